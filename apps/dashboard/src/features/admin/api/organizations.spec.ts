import type { OrganizationInfo } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import {
  canDeleteOrganization,
  organizationFormToBody,
  ownerBySite,
  placementBody,
  placementChanged,
  placementOf,
  sortOrganizations,
  takesRegions,
  toggleRegion,
} from './organizations';

const org = (code: string, name: string, sites: string[] = [], users = 0): OrganizationInfo => ({
  code,
  name,
  nameZh: null,
  sites,
  users,
  createdAt: '2026-01-01T00:00:00.000Z',
});

const ORGS = [
  org('YELANG', 'Yelang Cloud Works', ['GZ-AS-01', 'GZ-GA-01'], 2),
  org('DEFAULT', 'Default organisation', ['GZ-ZY-01']),
  org('AZALEA', 'Azalea Ridge Data', []),
];

describe('organisations', () => {
  it('knows each site’s owner', () => {
    const owners = ownerBySite(ORGS);
    expect(owners.get('GZ-GA-01')?.code).toBe('YELANG');
    expect(owners.get('GZ-ZY-01')?.code).toBe('DEFAULT');
    expect(owners.get('GZ-XX-01')).toBeUndefined();
  });

  it('lists the default organisation first, then by name; it alone cannot be deleted', () => {
    expect(sortOrganizations(ORGS).map((o) => o.code)).toEqual(['DEFAULT', 'AZALEA', 'YELANG']);
    expect(canDeleteOrganization(ORGS[1]!)).toBe(false);
    expect(canDeleteOrganization(ORGS[0]!)).toBe(true); // the API answers 409 with its reason
  });

  it('checks the create form: code upper-cased and shaped like a site code, a name', () => {
    expect(organizationFormToBody({ code: ' karst-2 ', name: ' Karst ', nameZh: '' })).toEqual({
      body: { code: 'KARST-2', name: 'Karst' },
      errors: {},
    });
    expect(organizationFormToBody({ code: '', name: '', nameZh: '' }).errors).toEqual({
      code: { key: 'admin.err.required' },
      name: { key: 'admin.err.required' },
    });
    expect(organizationFormToBody({ code: 'A', name: 'x', nameZh: '' }).errors.code).toEqual({
      key: 'admin.org.err.code',
    });
    expect(organizationFormToBody({ code: 'AB', name: 'x'.repeat(201), nameZh: '' }).errors.name?.key).toBe(
      'admin.err.length',
    );
    // The Chinese name is optional, trimmed, and bounded like the API's.
    expect(organizationFormToBody({ code: 'AB', name: 'x', nameZh: ' 北方云 ' }).body).toEqual({
      code: 'AB',
      name: 'x',
      nameZh: '北方云',
    });
    expect(organizationFormToBody({ code: 'AB', name: 'x', nameZh: '长'.repeat(101) }).errors.nameZh).toEqual(
      {
        key: 'admin.err.length',
        params: { max: 100 },
      },
    );
  });
});

describe('user placement', () => {
  it('regions only for hub regulators', () => {
    expect(takesRegions('regulator', '')).toBe(true);
    expect(takesRegions('regulator', 'YELANG')).toBe(false);
    expect(takesRegions('operator', '')).toBe(false);
  });

  it('a hub admin sends organisation and regions; an organisation admin sends neither', () => {
    expect(placementBody('operator', { organization: 'YELANG', regions: ['Zunyi'] }, true)).toEqual({
      organization: 'YELANG',
      regions: null,
    });
    expect(placementBody('regulator', { organization: '', regions: ['Zunyi', 'Anshun'] }, true)).toEqual({
      organization: null,
      regions: ['Anshun', 'Zunyi'],
    });
    expect(placementBody('regulator', { organization: '', regions: [] }, true)).toEqual({
      organization: null,
      regions: null,
    });
    expect(placementBody('operator', { organization: 'YELANG', regions: [] }, false)).toEqual({});
  });

  it('tells whether an edit changes role, organisation or regions', () => {
    const user = { role: 'regulator' as const, organization: null, regions: ['Zunyi'] };
    expect(placementOf(user)).toEqual({ organization: '', regions: ['Zunyi'] });
    expect(placementChanged(user, 'regulator', placementOf(user))).toBe(false);
    expect(placementChanged(user, 'regulator', { organization: '', regions: [] })).toBe(true);
    expect(placementChanged(user, 'operator', placementOf(user))).toBe(true);
    expect(placementChanged(user, 'regulator', { organization: 'YELANG', regions: ['Zunyi'] })).toBe(true);
  });

  it('toggles a region, keeping the list sorted and without duplicates', () => {
    expect(toggleRegion(['Zunyi'], 'Anshun', true)).toEqual(['Anshun', 'Zunyi']);
    expect(toggleRegion(['Anshun', 'Zunyi'], 'Zunyi', false)).toEqual(['Anshun']);
    expect(toggleRegion(['Zunyi'], 'Zunyi', true)).toEqual(['Zunyi']);
  });
});
