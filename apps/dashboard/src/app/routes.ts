import type { Role } from '@dcfleet/contracts';
import { useEffect, useState } from 'react';

/** Every page of the dashboard; `#/sites/:code` and `#/ratings/:code` carry the site code. */
export type Route =
  | { name: 'login' }
  | { name: 'fleet' }
  | { name: 'site'; code: string }
  | { name: 'alarms' }
  | { name: 'ratings' }
  | { name: 'report'; code: string }
  | { name: 'admin' }
  | { name: 'notFound' };

export type RouteName = Route['name'];

export interface Location {
  route: Route;
  /** The hash's query string (`#/ratings/X?year=2025`), as plain key/value pairs. */
  query: Record<string, string>;
}

export const DEFAULT_ROUTE: Route = { name: 'fleet' };

const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

/** Maps a location hash to a route and its query; an empty hash is the fleet, anything unknown is notFound. */
export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const query: Record<string, string> = {};
  if (q >= 0) new URLSearchParams(raw.slice(q + 1)).forEach((v, k) => (query[k] = v));
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const [first, second, ...rest] = parts;
  let route: Route = { name: 'notFound' };
  if (!first) route = DEFAULT_ROUTE;
  else if (rest.length === 0) {
    if (
      !second &&
      (first === 'login' ||
        first === 'fleet' ||
        first === 'alarms' ||
        first === 'ratings' ||
        first === 'admin')
    ) {
      route = { name: first };
    } else if (second && CODE.test(second) && first === 'sites') route = { name: 'site', code: second };
    else if (second && CODE.test(second) && first === 'ratings') route = { name: 'report', code: second };
  }
  return { route, query };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The hash for a route: `#/sites/GZ-GA-01?range=24h`. Empty query values are left out. */
export function hrefFor(route: Route, query: Record<string, string | number | undefined> = {}): string {
  let path: string;
  switch (route.name) {
    case 'site':
      path = `sites/${encodeURIComponent(route.code)}`;
      break;
    case 'report':
      path = `ratings/${encodeURIComponent(route.code)}`;
      break;
    case 'notFound':
      path = 'fleet';
      break;
    default:
      path = route.name;
  }
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `#/${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(
  route: Route,
  query?: Record<string, string | number | undefined>,
  replace = false,
): void {
  const target = hrefFor(route, query);
  if (window.location.hash === target) return;
  if (replace) window.history.replaceState(null, '', target);
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else window.location.hash = target;
}

/** Which roles may open a page (README "Security": regulators read sites and ratings only). */
export function canAccess(name: RouteName, role: Role): boolean {
  switch (name) {
    case 'admin':
      return role === 'admin';
    case 'alarms':
      return role === 'admin' || role === 'operator';
    default:
      return true;
  }
}

/** Whether the role may acknowledge alarms (and see alarm counts). */
export function canSeeAlarms(role: Role): boolean {
  return canAccess('alarms', role);
}

/** Whether the role may create, change and delete alarm rules (the API: admin only; operators read them). */
export function canManageAlarmRules(role: Role): boolean {
  return role === 'admin';
}

export interface NavItem {
  name: 'fleet' | 'alarms' | 'ratings' | 'admin';
  href: string;
}

/** Main navigation for a role: pages it may not open are not offered. */
export function navItems(role: Role): NavItem[] {
  return (['fleet', 'alarms', 'ratings', 'admin'] as const)
    .filter((name) => canAccess(name, role))
    .map((name) => ({ name, href: hrefFor({ name }) }));
}

/** The nav item a route belongs to (the site page is part of the fleet, a report part of the ratings). */
export function sectionOf(route: Route): NavItem['name'] | null {
  switch (route.name) {
    case 'fleet':
    case 'site':
      return 'fleet';
    case 'ratings':
    case 'report':
      return 'ratings';
    case 'alarms':
    case 'admin':
      return route.name;
    default:
      return null;
  }
}

let navigated = false;
if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => (navigated = true));
}

/**
 * Whether the user moved to another page since the app loaded (then a new page takes the focus; on the
 * first load the focus stays at the top so the skip link comes first).
 */
export function hasNavigated(): boolean {
  return navigated;
}

/** Minimal hash router: the current location, updated on `hashchange`. */
export function useHashLocation(): Location {
  const [location, setLocation] = useState<Location>(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setLocation(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return location;
}
