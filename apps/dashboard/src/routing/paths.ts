/**
 * The dashboard's URLs as types: every page's path (`$name` is a path parameter) and the search its feature's
 * validator returns. Links and navigations are checked against it; app/router.tsx maps each path to its page.
 */
import type { AdminSearch } from '../features/admin/api/admin-search';
import type { AlarmsSearch } from '../features/alarms/api/alarms-search';
import type { FleetSearch } from '../features/fleet/api/fleet-search';
import type { RatingsSearch, ReportSearch } from '../features/ratings/api/ratings-search';
import type { SiteSearch } from '../features/site/api/site-search';
import { stringifySearch } from './search';

type NoSearch = Record<string, never>;

export interface RouteSearch {
  '/': NoSearch;
  '/fleet': FleetSearch;
  '/sites/$code': SiteSearch;
  '/alarms': AlarmsSearch;
  '/ratings': RatingsSearch;
  '/ratings/$code': ReportSearch;
  '/admin': AdminSearch;
  '/login': NoSearch;
}

export type RoutePath = keyof RouteSearch;

/** `'/sites/$code'` → `{ code: string }`. */
export type ParamsOf<P extends string> = P extends `${string}$${infer K}` ? Record<K, string> : NoSearch;

/** Where a link or navigation goes: a path, its params when it has any, and its search (none when left out). */
export type Target<P extends RoutePath> = {
  to: P;
  search?: RouteSearch[P];
} & (P extends `${string}$${string}` ? { params: ParamsOf<P> } : { params?: undefined });

/** The href (the part after `#`) of a target: `{ to: '/sites/$code', params: { code: 'X' } }` → `/sites/X`. */
export function hrefOf({ to, params, search }: { to: string; params?: object; search?: object }): string {
  const values: Record<string, string> = { ...params };
  const path = to.replace(/\$(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
  return path + stringifySearch(search ?? {});
}
