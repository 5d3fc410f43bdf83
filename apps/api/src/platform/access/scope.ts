import type { Role } from '@dcfleet/contracts';

/**
 * Which sites a caller may see (docs/architecture.md, "Organisations and scope"): every site (hub staff), one
 * organisation's, or those in a regulator's regions. Derived from the user's row on every request, so a change an
 * admin makes applies at once.
 */
export type Scope =
  | { kind: 'hub' }
  | { kind: 'organization'; organizationId: number }
  | { kind: 'regions'; regions: readonly string[] };

export const HUB_SCOPE: Scope = { kind: 'hub' };

/** What a scope is decided from: the user's role, organisation (NULL: hub staff) and regions (NULL: all). */
export interface ScopeSource {
  role: Role;
  organizationId: number | null;
  regions: readonly string[] | null;
}

/**
 * A member of an organisation sees its sites, whatever the role; hub staff see everything, except a hub regulator
 * given regions, who sees the sites in them. Regions only narrow a regulator: they are ignored for other roles.
 */
export function scopeOf(user: ScopeSource): Scope {
  if (user.organizationId !== null) return { kind: 'organization', organizationId: user.organizationId };
  if (user.role === 'regulator' && user.regions !== null) return { kind: 'regions', regions: user.regions };
  return HUB_SCOPE;
}

/**
 * What a site is placed by: its owner, its region and its hub. A regulator's `regions` name site regions or hubs (a
 * provincial regulator watches a hub: "Guizhou hub / Gui'an cluster"; a city's, its region).
 */
export interface ScopedSite {
  organizationId: number;
  region: string | null;
  hub?: string | null;
}

export function inScope(scope: Scope, site: ScopedSite): boolean {
  switch (scope.kind) {
    case 'hub':
      return true;
    case 'organization':
      return site.organizationId === scope.organizationId;
    case 'regions':
      return (
        (site.region !== null && scope.regions.includes(site.region)) ||
        (site.hub != null && scope.regions.includes(site.hub))
      );
  }
}
