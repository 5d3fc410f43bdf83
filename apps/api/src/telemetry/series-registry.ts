import { seriesKey } from '@dcfleet/contracts';
import type { SeriesRow } from './telemetry-store';

/** A flat copy of `s`: `a + b` is a rope that, once hashed, holds both itself and the flat string it points to. */
function flat(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

/**
 * All series in memory: ingest resolves (site, metric, labels) → id without a query. One row object per series,
 * reached by id through a dense array (ids are serials) and by key through its site's map; at 50,000 series every
 * further index (a global key map, an id map) was several MB of the main thread's heap.
 */
export class SeriesRegistry {
  /** Indexed by id: `get` runs per sample and per live snapshot entry. */
  private readonly rows: (SeriesRow | undefined)[] = [];
  private readonly bySite = new Map<number, SeriesRow[]>();
  /** Per site: metric + canonical labels → series (the ingest lookup, one string per sample). */
  private readonly siteMaps = new Map<number, Map<string, SeriesRow>>();
  /** Indexed by id: each series' display key, one string per series for its lifetime. */
  private readonly displayKeys: (string | undefined)[] = [];
  /**
   * Metric names and kinds, one string each: rows arrive from the store (or its worker thread) with a copy of both
   * per series, 3 MB at 50,000 series.
   */
  private readonly names = new Map<string, string>();
  private count = 0;

  add(added: SeriesRow): void {
    if (this.rows[added.id]) return;
    const metric = this.intern(added.metric);
    // One string per series, kept: V8 hashes (and internalizes) it once, not on every use as a key.
    const key = flat(seriesKey(metric, added.labels));
    const row: SeriesRow = {
      id: added.id,
      siteId: added.siteId,
      metric,
      // A slice of the key rather than a second copy of the labels.
      labels: added.labels ? key.slice(metric.length) : '',
      kind: this.intern(added.kind),
    };
    this.rows[row.id] = row;
    this.count++;
    const list = this.bySite.get(row.siteId) ?? [];
    list.push(row);
    this.bySite.set(row.siteId, list);
    let m = this.siteMaps.get(row.siteId);
    if (!m) {
      m = new Map();
      this.siteMaps.set(row.siteId, m);
    }
    m.set(key, row);
    this.displayKeys[row.id] = key;
  }

  private intern<T extends string>(s: T): T {
    const known = this.names.get(s);
    if (known !== undefined) return known as T;
    this.names.set(s, s);
    return s;
  }

  /** Metric + canonical labels of a series (the key of live values). */
  displayKey(id: number): string | undefined {
    return this.displayKeys[id];
  }

  siteMap(siteId: number): ReadonlyMap<string, SeriesRow> | undefined {
    return this.siteMaps.get(siteId);
  }

  find(siteId: number, metric: string, labelKey: string): SeriesRow | undefined {
    return this.siteMaps.get(siteId)?.get(seriesKey(metric, labelKey));
  }

  get(id: number): SeriesRow | undefined {
    return this.rows[id];
  }

  ofSite(siteId: number): readonly SeriesRow[] {
    return this.bySite.get(siteId) ?? [];
  }

  *all(): IterableIterator<SeriesRow> {
    for (const list of this.bySite.values()) yield* list;
  }

  get size(): number {
    return this.count;
  }
}
