/** The fleet page's URL state (`#/fleet?region=…&hub=…&status=stale&sort=pue&view=table`): shareable, kept on reload. */
import type { SiteStatus } from '@dcfleet/contracts';
import { oneOf, text } from '../../../routing/search';
import { FLEET_SORTS, type FleetFilters, type FleetSort } from './fleet-data';

export const SITE_STATUSES: readonly SiteStatus[] = ['online', 'stale', 'offline'];

/** Defaults (sort by code, tiles) stay out of the URL. */
export interface FleetSearch {
  region?: string;
  hub?: string;
  status?: SiteStatus;
  sort?: Exclude<FleetSort, 'code'>;
  view?: 'table';
}

/**
 * The route's validateSearch: unknown or malformed values are dropped. Every key is returned, undefined when
 * dropped, because the router lays the result over the raw search.
 */
export function fleetSearch(raw: Record<string, unknown>): FleetSearch {
  const sort = oneOf(raw.sort, FLEET_SORTS);
  return {
    region: text(raw.region),
    hub: text(raw.hub),
    status: oneOf(raw.status, SITE_STATUSES),
    sort: sort === 'code' ? undefined : sort,
    view: raw.view === 'table' ? 'table' : undefined,
  };
}

export interface FleetView {
  filters: FleetFilters;
  sort: FleetSort;
  view: 'tiles' | 'table';
}

export function fleetView(search: FleetSearch): FleetView {
  return {
    filters: { region: search.region ?? '', hub: search.hub ?? '', status: search.status ?? '' },
    sort: search.sort ?? 'code',
    view: search.view ?? 'tiles',
  };
}

/** The search after one control changed; '' clears a filter, defaults are dropped. */
export function patchFleetSearch(
  search: FleetSearch,
  patch: Partial<Record<keyof FleetSearch, string>>,
): FleetSearch {
  return fleetSearch({ ...search, ...patch });
}
