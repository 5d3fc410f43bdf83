/**
 * Per-site cache of computed ratings, keyed by (site, site version, period). An entry remembers the event-time
 * range its inputs came from ([readFrom, end): the daily buckets read, including the look-back before the
 * period); a committed batch with a sample in that range drops it. Computations in flight are tracked too, so a
 * batch landing while a rating is being computed keeps that (possibly stale) result out of the cache.
 *
 * Open periods (the current year) receive live data all the time: dropping their entries on every batch would
 * recompute them on every request. For them, samples from `liveFrom` on (the hour before the computation) do
 * not invalidate; instead the entry expires after `openTtlMs`. Late samples older than that still drop it at
 * once, as for closed periods.
 */
export interface CacheRange {
  siteId: number;
  readFrom: number;
  end: number;
  /** Open periods: samples at or after this instant are live data, covered by the short TTL. */
  liveFrom: number;
}

export interface CacheToken extends CacheRange {
  dirty: boolean;
}

interface Stored<T> extends CacheRange {
  value: T;
  storedAt: number;
}

/** Live data this recent (relative to a computation) does not invalidate an open period's entry. */
export const LIVE_WINDOW_MS = 3_600_000;

export class RatingCache<T> {
  private readonly entries = new Map<string, Stored<T>>();
  private readonly bySite = new Map<number, Set<string>>();
  private readonly inflight = new Set<CacheToken>();

  /**
   * @param ttlMs safety net for changes this process cannot see (batches ingested by another API instance
   *   sharing PostgreSQL); local batches invalidate precisely.
   */
  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly openTtlMs = 60_000,
    private readonly maxEntries = 5000,
  ) {}

  get(key: string, now = Date.now()): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const open = e.liveFrom !== Infinity;
    // An open period that has since ended is stale at once: its status may now be final.
    if (now - e.storedAt > (open ? this.openTtlMs : this.ttlMs) || (open && now >= e.end)) {
      this.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Call before reading the inputs; pass the token to `commit` (or `abandon`). */
  begin(siteId: number, readFrom: number, end: number, now = Date.now()): CacheToken {
    const token = {
      siteId,
      readFrom,
      end,
      liveFrom: end > now ? now - LIVE_WINDOW_MS : Infinity,
      dirty: false,
    };
    this.inflight.add(token);
    return token;
  }

  /** The computation read further back than planned (a look-back past the usual window). */
  widen(token: CacheToken, readFrom: number): void {
    if (readFrom < token.readFrom) token.readFrom = readFrom;
  }

  /** Stores the value unless a batch touched its range meanwhile. Returns whether it was stored. */
  commit(token: CacheToken, key: string, value: T, now = Date.now()): boolean {
    this.inflight.delete(token);
    if (token.dirty) return false;
    if (this.entries.size >= this.maxEntries) this.delete(this.entries.keys().next().value as string);
    this.entries.set(key, {
      siteId: token.siteId,
      readFrom: token.readFrom,
      end: token.end,
      liveFrom: token.liveFrom,
      value,
      storedAt: now,
    });
    let keys = this.bySite.get(token.siteId);
    if (!keys) {
      keys = new Set();
      this.bySite.set(token.siteId, keys);
    }
    keys.add(key);
    return true;
  }

  abandon(token: CacheToken): void {
    this.inflight.delete(token);
  }

  /** Replaces the value of an entry that is still cached (e.g. adding detail computed later). */
  update(key: string, value: T): void {
    const e = this.entries.get(key);
    if (e) e.value = value;
  }

  /**
   * A batch of samples (event times `ts`, those with `skip(i)` true ignored) committed for the site: drops
   * entries and marks computations whose range holds one of them. O(samples) per overlapping entry.
   */
  invalidate(siteId: number, ts: ArrayLike<number>, skip?: (i: number) => boolean): number {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < ts.length; i++) {
      if (skip?.(i)) continue;
      const t = ts[i]!;
      if (t < min) min = t;
      if (t > max) max = t;
    }
    if (min === Infinity) return 0;
    const hits = (r: CacheRange): boolean => {
      const end = Math.min(r.end, r.liveFrom);
      if (max < r.readFrom || min >= end) return false;
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i]!;
        if (t >= r.readFrom && t < end && !skip?.(i)) return true;
      }
      return false;
    };
    for (const token of this.inflight)
      if (token.siteId === siteId && !token.dirty && hits(token)) token.dirty = true;
    let dropped = 0;
    const keys = this.bySite.get(siteId);
    if (keys) {
      for (const key of [...keys]) {
        const e = this.entries.get(key);
        if (!e || hits(e)) {
          this.delete(key);
          dropped++;
        }
      }
    }
    return dropped;
  }

  clear(): void {
    this.entries.clear();
    this.bySite.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    this.entries.delete(key);
    if (e) this.bySite.get(e.siteId)?.delete(key);
  }
}
