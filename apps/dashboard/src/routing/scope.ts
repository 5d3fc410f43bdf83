/**
 * Which sites the signed-in user sees (docs/architecture.md "Organisations and scope"): hub staff every site, a
 * member of an organisation its sites, a hub regulator given regions the sites in them. The API filters every
 * list by it; the dashboard only names it (header, fleet figures) and hides what the scope may not use.
 */
import type { Role, SessionUser } from '@dcfleet/contracts';
import type { IntlShape } from 'react-intl';
import { displayName } from '../i18n/display-name';
import { LOCALES, type Translate } from '../i18n/i18n';

export type UserScope =
  | { kind: 'hub' }
  | { kind: 'organization'; code: string; name: string; nameZh?: string }
  | { kind: 'regions'; regions: string[] };

/** The parts of the session user the scope depends on (absent in a session saved before organisations). */
export interface ScopedUser {
  role: Role;
  organization?: SessionUser['organization'];
  regions?: SessionUser['regions'];
}

export function scopeOf(user: ScopedUser): UserScope {
  if (user.organization) return { kind: 'organization', ...user.organization };
  // Regions only narrow hub regulators; an empty list would mean "nothing", which the API never hands out.
  if (user.regions && user.regions.length > 0) return { kind: 'regions', regions: [...user.regions] };
  return { kind: 'hub' };
}

/** A hub admin decides organisations, owners, new sites and fleet-wide rules; an organisation's admin does not. */
export function isHubAdmin(user: ScopedUser): boolean {
  return user.role === 'admin' && !user.organization;
}

/** A region's Chinese name where the hub has one (from the sites the user sees: `regionNamesOf`). */
export type RegionNames = ReadonlyMap<string, string>;

/** The Chinese region names the sites carry (`region` → `regionZh`). */
export function regionNamesOf(
  sites: readonly { region: string | null; regionZh?: string | null }[],
): RegionNames {
  const names = new Map<string, string>();
  for (const s of sites) if (s.region && s.regionZh) names.set(s.region, s.regionZh);
  return names;
}

function regionList(regions: string[], intl: IntlShape, names?: RegionNames): string {
  const zh = intl.locale === LOCALES['zh-CN'];
  return intl.formatList(
    regions.map((r) => (zh && names?.get(r)) || r),
    { type: 'conjunction' },
  );
}

/** The header's scope: the organisation's name, "Hub", or "Regions: …" (in Chinese with the regions' Chinese names). */
export function scopeLabel(
  scope: UserScope,
  t: Translate,
  intl: IntlShape,
  regionNames?: RegionNames,
): string {
  switch (scope.kind) {
    case 'organization':
      return displayName(scope, intl.locale === LOCALES['zh-CN'] ? 'zh-CN' : 'en');
    case 'regions':
      return t('scope.regions', { regions: regionList(scope.regions, intl, regionNames) });
    default:
      return t('scope.hub');
  }
}

/** What fleet totals are over: "Fleet — all sites", "Fleet — Yelang Cloud Works", "Fleet — Regions: …". */
export function fleetScopeLabel(
  scope: UserScope,
  t: Translate,
  intl: IntlShape,
  regionNames?: RegionNames,
): string {
  return scope.kind === 'hub'
    ? t('scope.fleet.all')
    : t('scope.fleet.of', { scope: scopeLabel(scope, t, intl, regionNames) });
}
