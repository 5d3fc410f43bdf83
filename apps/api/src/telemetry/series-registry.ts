import type { SeriesRow } from './telemetry-store';

export function seriesKey(siteId: number, metric: string, labelKey: string): string {
  return `${siteId}\u0000${metric}\u0000${labelKey}`;
}

function displayKey(row: SeriesRow): string {
  return row.labels ? row.metric + row.labels : row.metric;
}

/** All series in memory: ingest resolves (site, metric, labels) → id without a query. */
export class SeriesRegistry {
  private readonly byKey = new Map<string, SeriesRow>();
  private readonly byId = new Map<number, SeriesRow>();
  /** The same rows indexed by id (ids are dense serials): `get` runs per sample and per live snapshot entry. */
  private readonly rows: (SeriesRow | undefined)[] = [];
  private readonly bySite = new Map<number, SeriesRow[]>();
  /** Per site: metric + canonical labels → series (the ingest lookup, one string per sample). */
  private readonly siteMaps = new Map<number, Map<string, SeriesRow>>();
  private readonly displayKeys = new Map<number, string>();

  add(row: SeriesRow): void {
    if (this.byId.has(row.id)) return;
    this.byKey.set(seriesKey(row.siteId, row.metric, row.labels), row);
    this.byId.set(row.id, row);
    this.rows[row.id] = row;
    const list = this.bySite.get(row.siteId) ?? [];
    list.push(row);
    this.bySite.set(row.siteId, list);
    let m = this.siteMaps.get(row.siteId);
    if (!m) {
      m = new Map();
      this.siteMaps.set(row.siteId, m);
    }
    // One string per series, kept: V8 hashes (and internalizes) it once, not on every use as a key.
    const key = displayKey(row);
    m.set(key, row);
    this.displayKeys.set(row.id, key);
  }

  /** Metric + canonical labels of a series (the key of live values), one string per series for its lifetime. */
  displayKey(id: number): string | undefined {
    return this.displayKeys.get(id);
  }

  siteMap(siteId: number): ReadonlyMap<string, SeriesRow> | undefined {
    return this.siteMaps.get(siteId);
  }

  find(siteId: number, metric: string, labelKey: string): SeriesRow | undefined {
    return this.byKey.get(seriesKey(siteId, metric, labelKey));
  }

  get(id: number): SeriesRow | undefined {
    return this.rows[id];
  }

  ofSite(siteId: number): readonly SeriesRow[] {
    return this.bySite.get(siteId) ?? [];
  }

  all(): IterableIterator<SeriesRow> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}
