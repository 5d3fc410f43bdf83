/**
 * Organisations in the admin screens (hub admins only): who owns which site, the create form's checks, and
 * the user forms' placement (organisation, a hub regulator's regions) as the users API takes it.
 */
import {
  DEFAULT_ORGANIZATION_CODE,
  NAME_ZH_MAX,
  SITE_CODE_PATTERN,
  type CreateOrganizationInput,
  type CreateUserRequest,
  type OrganizationInfo,
  type Role,
  type UserInfo,
} from '@dcfleet/contracts';
import type { FieldError } from './site-form';

/** Each site's owner, from GET /api/v1/organizations (each site has exactly one). */
export function ownerBySite(orgs: readonly OrganizationInfo[]): Map<string, OrganizationInfo> {
  const owners = new Map<string, OrganizationInfo>();
  for (const org of orgs) for (const site of org.sites) owners.set(site, org);
  return owners;
}

/** The default organisation first (it holds whatever nobody placed yet), then by name. */
export function sortOrganizations(orgs: readonly OrganizationInfo[]): OrganizationInfo[] {
  return [...orgs].sort(
    (a, b) =>
      Number(b.code === DEFAULT_ORGANIZATION_CODE) - Number(a.code === DEFAULT_ORGANIZATION_CODE) ||
      a.name.localeCompare(b.name) ||
      a.code.localeCompare(b.code),
  );
}

/** The API refuses to delete the default organisation; the rest it checks itself (409 with the reason). */
export function canDeleteOrganization(org: OrganizationInfo): boolean {
  return org.code !== DEFAULT_ORGANIZATION_CODE;
}

export interface OrganizationForm {
  code: string;
  name: string;
  /** Optional Chinese name; empty: none. */
  nameZh: string;
}

export type OrganizationFormErrors = Partial<Record<keyof OrganizationForm, FieldError>>;

/** The create form's body (code upper-cased, as the API's pattern wants) or what is wrong with it. */
export function organizationFormToBody(form: OrganizationForm): {
  body: CreateOrganizationInput;
  errors: OrganizationFormErrors;
} {
  const nameZh = form.nameZh.trim();
  const body: CreateOrganizationInput = {
    code: form.code.trim().toUpperCase(),
    name: form.name.trim(),
    ...(nameZh ? { nameZh } : {}),
  };
  const errors: OrganizationFormErrors = {};
  if (!body.code) errors.code = { key: 'admin.err.required' };
  else if (!SITE_CODE_PATTERN.test(body.code)) errors.code = { key: 'admin.org.err.code' };
  if (!body.name) errors.name = { key: 'admin.err.required' };
  else if (body.name.length > 200) errors.name = { key: 'admin.err.length', params: { max: 200 } };
  if (nameZh.length > NAME_ZH_MAX) errors.nameZh = { key: 'admin.err.length', params: { max: NAME_ZH_MAX } };
  return { body, errors };
}

/** Where a user is placed: an organisation's code ('' = hub staff) and, for hub regulators, regions. */
export interface Placement {
  organization: string;
  /** Checked regions; none checked: all. */
  regions: string[];
}

/** Regions narrow only hub regulators (the API answers 400 for anyone else). */
export function takesRegions(role: Role, organization: string): boolean {
  return role === 'regulator' && organization === '';
}

/**
 * The placement fields of a create or update body. `hubAdmin` false: an organisation's admin, whose users
 * are always its own, sends neither (the API places them).
 */
export function placementBody(
  role: Role,
  placement: Placement,
  hubAdmin: boolean,
): Pick<CreateUserRequest, 'organization' | 'regions'> {
  if (!hubAdmin) return {};
  const regions = takesRegions(role, placement.organization) && placement.regions.length > 0;
  return {
    organization: placement.organization || null,
    regions: regions ? [...placement.regions].sort() : null,
  };
}

export function placementOf(user: Pick<UserInfo, 'organization' | 'regions'>): Placement {
  return { organization: user.organization ?? '', regions: user.regions ? [...user.regions] : [] };
}

/** Whether an edit changes the user's placement (which ends their sessions): compare before asking. */
export function placementChanged(
  user: Pick<UserInfo, 'role' | 'organization' | 'regions'>,
  role: Role,
  placement: Placement,
): boolean {
  const next = placementBody(role, placement, true);
  const sameRegions = JSON.stringify([...(user.regions ?? [])].sort()) === JSON.stringify(next.regions ?? []);
  return (user.organization ?? null) !== next.organization || !sameRegions || user.role !== role;
}

/** Adds or removes a region from a checked list, keeping it sorted. */
export function toggleRegion(regions: readonly string[], region: string, on: boolean): string[] {
  const rest = regions.filter((r) => r !== region);
  return (on ? [...rest, region] : rest).sort();
}
