import { HUB_SCOPE, type Scope } from '../platform/access/scope';
import { roomsFor, scopedRoom, scopeKey, scopeOfKey } from './live-scope';

describe('live scope rooms', () => {
  it.each<[Scope, string]>([
    [HUB_SCOPE, 'hub'],
    [{ kind: 'organization', organizationId: 7 }, 'org:7'],
    [{ kind: 'regions', regions: ['Zunyi', "Gui'an New Area"] }, "regions:Gui'an%20New%20Area|Zunyi"],
    [{ kind: 'regions', regions: ['A|B', 'C'] }, 'regions:A%7CB|C'],
  ])('names %j %s and reads it back', (scope, key) => {
    expect(scopeKey(scope)).toBe(key);
    const back = scopeOfKey(key)!;
    expect(scopeKey(back)).toBe(key);
  });

  it('keeps the hub rooms under their old names', () => {
    expect(scopedRoom('fleet', HUB_SCOPE)).toBe('fleet');
    expect(scopedRoom('alarms', { kind: 'organization', organizationId: 3 })).toBe('alarms:org:3');
  });

  it("addresses a site's event to the hub and to each scope in use that includes it", () => {
    const keys = ['hub', 'org:1', 'org:2', 'regions:Zunyi', 'regions:Guiyang', 'nonsense'];
    expect(roomsFor('fleet', { organizationId: 1, region: 'Zunyi' }, keys)).toEqual([
      'fleet',
      'fleet:org:1',
      'fleet:regions:Zunyi',
    ]);
    expect(roomsFor('ratings', { organizationId: 3, region: null }, keys)).toEqual(['ratings']);
  });
});
