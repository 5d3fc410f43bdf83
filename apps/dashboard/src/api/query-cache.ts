/**
 * The dashboard's one data cache. Queries (`useQuery`) fill it from the REST API; live socket events update
 * the very same entries (`queryCache.setData`), so every view of a piece of data agrees.
 */
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { ApiError } from './client';

export interface QueryState<T> {
  data: T | undefined;
  error: Error | null;
  /** A request is in flight (also while stale data is shown). */
  loading: boolean;
  /** When data last came from the server or a live event (epoch ms). */
  updatedAt: number | null;
}

type Fetcher<T> = (signal: AbortSignal) => Promise<T>;

interface Entry {
  state: QueryState<unknown>;
  listeners: Set<() => void>;
  inflight: Promise<unknown> | null;
  controller: AbortController | null;
  /** The last fetcher used for the key, so invalidate() can refetch it. */
  fetcher: Fetcher<unknown> | null;
  /** Marked stale by invalidate() while nobody watched it: refetched on the next mount. */
  invalid: boolean;
}

const EMPTY: QueryState<never> = { data: undefined, error: null, loading: false, updatedAt: null };

export class QueryCache {
  private readonly entries = new Map<string, Entry>();

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (!e) {
      e = {
        state: EMPTY,
        listeners: new Set(),
        inflight: null,
        controller: null,
        fetcher: null,
        invalid: false,
      };
      this.entries.set(key, e);
    }
    return e;
  }

  private set(key: string, patch: Partial<QueryState<unknown>>): void {
    const e = this.entry(key);
    e.state = { ...e.state, ...patch };
    e.listeners.forEach((l) => l());
  }

  get<T>(key: string): QueryState<T> {
    return (this.entries.get(key)?.state ?? EMPTY) as QueryState<T>;
  }

  subscribe(key: string, listener: () => void): () => void {
    const e = this.entry(key);
    e.listeners.add(listener);
    return () => {
      e.listeners.delete(listener);
      // Nobody watches any more: cancel the request (after a tick, so a re-mount keeps it), which frees the
      // browser's connection for the page the user went to.
      if (e.listeners.size === 0 && e.controller) {
        setTimeout(() => {
          if (e.listeners.size === 0 && e.controller) {
            e.controller.abort();
            e.controller = null;
            e.inflight = null;
            e.invalid = true;
            e.state = { ...e.state, loading: false };
          }
        }, 0);
      }
    };
  }

  /** Runs the fetcher unless a request for the key is already in flight (then shares it). */
  fetch<T>(key: string, fetcher: Fetcher<T>): Promise<T> {
    const e = this.entry(key);
    e.fetcher = fetcher as Fetcher<unknown>;
    if (e.inflight) return e.inflight as Promise<T>;
    const controller = new AbortController();
    e.controller = controller;
    e.invalid = false;
    this.set(key, { loading: true });
    const p = fetcher(controller.signal).then(
      (data) => {
        if (e.controller === controller) {
          e.inflight = null;
          e.controller = null;
          this.set(key, { data, error: null, loading: false, updatedAt: Date.now() });
        }
        return data;
      },
      (err: unknown) => {
        if (e.controller === controller) {
          e.inflight = null;
          e.controller = null;
          const error = err instanceof Error ? err : new Error(String(err));
          if (!(error.name === 'AbortError')) this.set(key, { error, loading: false });
          else this.set(key, { loading: false });
        }
        throw err;
      },
    );
    e.inflight = p;
    p.catch(() => {});
    return p;
  }

  /**
   * Replaces an entry's data (live events, optimistic updates). The updater gets the current data, which
   * may be undefined when no query filled it yet; returning undefined leaves the entry unchanged.
   */
  setData<T>(key: string, updater: (current: T | undefined) => T | undefined): void {
    const current = this.get<T>(key).data;
    const next = updater(current);
    if (next === undefined || next === current) return;
    this.set(key, { data: next, updatedAt: Date.now() });
  }

  /** Keys currently in the cache that start with a prefix. */
  keys(prefix = ''): string[] {
    return [...this.entries.keys()].filter((k) => k.startsWith(prefix));
  }

  /** Refetches the entries under a prefix that someone is watching; marks the others stale. */
  invalidate(prefix: string): void {
    for (const key of this.keys(prefix)) {
      const e = this.entries.get(key)!;
      if (e.listeners.size > 0 && e.fetcher) {
        e.controller?.abort();
        e.inflight = null;
        e.controller = null;
        void this.fetch(key, e.fetcher).catch(() => {});
      } else e.invalid = true;
    }
  }

  isInvalid(key: string): boolean {
    return this.entries.get(key)?.invalid ?? false;
  }

  /** Forgets everything (on sign-out, so the next user never sees the previous user's data). */
  clear(): void {
    for (const e of this.entries.values()) e.controller?.abort();
    for (const [key, e] of this.entries) {
      e.inflight = null;
      e.controller = null;
      e.invalid = false;
      if (e.listeners.size === 0) this.entries.delete(key);
      else {
        e.state = EMPTY;
        e.listeners.forEach((l) => l());
      }
    }
  }
}

export const queryCache = new QueryCache();

export interface QueryOptions {
  /** Refetch while mounted and the tab is visible (ms). */
  refetchIntervalMs?: number;
  /** Data younger than this is not refetched on mount (ms, default 0: always refetch on mount). */
  staleMs?: number;
  /** false: do not fetch (e.g. missing parameters). */
  enabled?: boolean;
}

export type QueryResult<T> = QueryState<T> & { refetch: () => void };

/** Subscribes a component to a cache entry and fetches it on mount (and on an interval, if asked). */
export function useQuery<T>(key: string, fetcher: Fetcher<T>, options: QueryOptions = {}): QueryResult<T> {
  const { refetchIntervalMs, staleMs = 0, enabled = true } = options;
  const state = useSyncExternalStore(
    useCallback((listener: () => void) => queryCache.subscribe(key, listener), [key]),
    () => queryCache.get<T>(key),
  );

  // The fetcher closes over the key's parameters, so the key alone decides when to refetch.
  const refetch = useCallback(() => {
    if (enabled) void queryCache.fetch(key, fetcher).catch(() => {});
  }, [key, enabled]);

  useEffect(() => {
    if (!enabled) return;
    const current = queryCache.get<T>(key);
    const fresh =
      current.updatedAt !== null && Date.now() - current.updatedAt < staleMs && !queryCache.isInvalid(key);
    if (!fresh) refetch();
  }, [key, enabled, staleMs, refetch]);

  useEffect(() => {
    if (!enabled || !refetchIntervalMs) return;
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') refetch();
    }, refetchIntervalMs);
    return () => clearInterval(id);
  }, [enabled, refetchIntervalMs, refetch]);

  return { ...state, refetch };
}

/** True when an error means "this endpoint does not exist (yet)". */
export function isNotAvailable(error: Error | null): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 501);
}

/** Reads a cache entry that only live events fill (no fetcher). */
export function useCacheEntry<T>(key: string): T | undefined {
  const state = useSyncExternalStore(
    useCallback((listener: () => void) => queryCache.subscribe(key, listener), [key]),
    () => queryCache.get<T>(key),
  );
  return state.data;
}
