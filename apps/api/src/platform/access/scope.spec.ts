import { HUB_SCOPE, inScope, scopeOf, type Scope } from './scope';

const site = (organizationId: number, region: string | null) => ({ organizationId, region });

describe('scopeOf', () => {
  it.each([
    [{ role: 'admin', organizationId: null, regions: null }, HUB_SCOPE],
    [{ role: 'operator', organizationId: null, regions: null }, HUB_SCOPE],
    [{ role: 'regulator', organizationId: null, regions: null }, HUB_SCOPE],
    [
      { role: 'admin', organizationId: 7, regions: null },
      { kind: 'organization', organizationId: 7 },
    ],
    [
      { role: 'operator', organizationId: 7, regions: ['Gui-an'] },
      { kind: 'organization', organizationId: 7 },
    ],
    [
      { role: 'regulator', organizationId: null, regions: ['Gui-an'] },
      { kind: 'regions', regions: ['Gui-an'] },
    ],
    // Regions narrow regulators only.
    [{ role: 'operator', organizationId: null, regions: ['Gui-an'] }, HUB_SCOPE],
    // No region at all is a regulator who sees nothing, not everything.
    [
      { role: 'regulator', organizationId: null, regions: [] },
      { kind: 'regions', regions: [] },
    ],
  ] as const)('%j → %j', (user, scope) => {
    expect(scopeOf(user)).toEqual(scope);
  });
});

describe('inScope', () => {
  const org7: Scope = { kind: 'organization', organizationId: 7 };
  const guian: Scope = { kind: 'regions', regions: ['Gui-an'] };

  it('hub staff see every site', () => {
    expect(inScope(HUB_SCOPE, site(1, null))).toBe(true);
    expect(inScope(HUB_SCOPE, site(7, 'Zunyi'))).toBe(true);
  });

  it('an organisation sees its own sites only, wherever they are', () => {
    expect(inScope(org7, site(7, 'Zunyi'))).toBe(true);
    expect(inScope(org7, site(8, 'Zunyi'))).toBe(false);
    expect(inScope(org7, site(1, null))).toBe(false);
  });

  it('a regional regulator sees the sites in its regions, not a site without a region', () => {
    expect(inScope(guian, site(3, 'Gui-an'))).toBe(true);
    expect(inScope(guian, site(3, 'Zunyi'))).toBe(false);
    expect(inScope(guian, site(3, null))).toBe(false);
  });

  it('a regulator given a hub sees the sites of that hub, whatever their region', () => {
    const hub: Scope = { kind: 'regions', regions: ['Guizhou hub'] };
    expect(inScope(hub, { organizationId: 3, region: 'Zunyi', hub: 'Guizhou hub' })).toBe(true);
    expect(inScope(hub, { organizationId: 3, region: 'Zunyi', hub: 'Other hub' })).toBe(false);
    expect(inScope(hub, { organizationId: 3, region: null, hub: null })).toBe(false);
  });
});
