/**
 * Where the router reads and writes the URL: the browser's hash (`#/fleet?status=stale`, so the API serves only
 * index.html and assets), or memory in specs. The part after `#` is one href, path and search together: wouter's own
 * hash hook (`wouter/use-hash-location`) moves a `?…` out of the hash into `location.search`, which would change
 * the shape of every bookmarked URL.
 */
import { useSyncExternalStore } from 'react';

export interface NavigateOptions {
  replace?: boolean;
  /** Scroll to the top once the page shows (the default); false for a filter or range change. */
  resetScroll?: boolean;
}

/** The URL after a navigation, with a counter every navigation bumps (one to the URL already shown too). */
export interface Snapshot {
  /** `/sites/GZ-GA-01?range=24h` */
  href: string;
  path: string;
  /** `?range=24h`, or '' */
  search: string;
  seq: number;
  resetScroll: boolean;
}

export interface RouterLocation {
  current(): Snapshot;
  subscribe(listener: () => void): () => void;
  /** Pushes (or replaces) an href; to the URL already shown it adds no history entry, as the old router did. */
  navigate(href: string, options?: NavigateOptions): void;
  /** wouter's location hook: the path (without the search) and how to navigate. */
  hook(): [string, (href: string, options?: NavigateOptions) => void];
  /** How an href is written in an `<a>`. */
  hrefs(href: string): string;
}

interface Backend {
  read(): string;
  write(href: string, replace: boolean): void;
  /** Calls back when the URL changed outside `navigate` (back, forward, an edited address bar). */
  listen(onChange: () => void): void;
}

function snapshotOf(href: string, seq: number, resetScroll: boolean): Snapshot {
  const q = href.indexOf('?');
  return q < 0
    ? { href, path: href, search: '', seq, resetScroll }
    : { href, path: href.slice(0, q), search: href.slice(q), seq, resetScroll };
}

function createLocation(backend: Backend, hrefs: (href: string) => string): RouterLocation {
  let listeners: (() => void)[] = [];
  let snap = snapshotOf(backend.read(), 0, true);
  const emit = (resetScroll: boolean) => {
    snap = snapshotOf(backend.read(), snap.seq + 1, resetScroll);
    for (const listener of listeners) listener();
  };
  backend.listen(() => {
    if (backend.read() !== snap.href) emit(true);
  });
  const navigate = (href: string, { replace = false, resetScroll = true }: NavigateOptions = {}) => {
    if (href !== snap.href) backend.write(href, replace);
    emit(resetScroll);
  };
  const subscribe = (listener: () => void) => {
    listeners = [...listeners, listener];
    return () => {
      listeners = listeners.filter((l) => l !== listener);
    };
  };
  const path = () => snap.path;
  return {
    current: () => snap,
    subscribe,
    navigate,
    hook: () => [useSyncExternalStore(subscribe, path), navigate],
    hrefs,
  };
}

/** The browser's hash; a hash without its leading slash (`#fleet`, which the first router wrote) gets one. */
export function createHashLocation(): RouterLocation {
  const read = () => {
    const hash = window.location.hash.slice(1);
    return hash.startsWith('/') ? hash : `/${hash}`;
  };
  if (window.location.hash.length > 1 && !window.location.hash.startsWith('#/')) {
    window.history.replaceState(window.history.state, '', `#${read()}`);
  }
  return createLocation(
    {
      read,
      write: (href, replace) => window.history[replace ? 'replaceState' : 'pushState'](null, '', `#${href}`),
      listen: (onChange) => window.addEventListener('hashchange', onChange),
    },
    (href) => `#${href}`,
  );
}

/** A history in memory (specs): `entries` are the hrefs pushed, the last one shown. */
export function createMemoryLocation(initial: string): RouterLocation & { entries: string[] } {
  const entries = [initial];
  const location = createLocation(
    {
      read: () => entries[entries.length - 1] ?? '/',
      write: (href, replace) => {
        if (replace) entries.pop();
        entries.push(href);
      },
      listen: () => undefined,
    },
    (href) => `#${href}`,
  );
  return Object.assign(location, { entries });
}
