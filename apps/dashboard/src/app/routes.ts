import { useEffect, useState } from 'react';

export type Route = 'login' | 'fleet';

export const DEFAULT_ROUTE: Route = 'fleet';

/** Maps a location hash (`#/fleet`, `#/login`) to a route; anything else is the default route. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return path === 'login' || path === 'fleet' ? path : DEFAULT_ROUTE;
}

export function navigate(route: Route): void {
  const target = `#/${route}`;
  if (window.location.hash !== target) window.location.hash = target;
}

/** Minimal hash router: the current route, updated on `hashchange`. */
export function useHashRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
