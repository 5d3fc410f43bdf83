import type BetterSqlite3 from 'better-sqlite3';
import {
  BATCH_COLS,
  batchRow,
  chunkRow,
  forEachBatchSample,
  pointLookup,
  resolveRaw,
  windowOf,
  type BatchDbRow,
  type BatchRow,
  type ChunkDbRow,
  type ChunkRow,
  type RawSample,
} from './raw-layout';
import { MinuteBuckets } from './rollup-flush-plan';
import { legacySample } from './store-rows';
import type { PendingReceipt, SiteBatchesPage, SiteChunksPage } from './telemetry-store';

/** The statements of the raw reads that run often (the legacy table's are prepared when used: it may go). */
function statements(db: BetterSqlite3.Database) {
  return {
    batchesOfSite: db.prepare(
      `SELECT receipt_id, site_id, seq, min_ts, max_ts, done_below, payload FROM raw_batches
          WHERE site_id = ? AND min_ts <= ? AND max_ts >= ?`,
    ),
    batchesIn: db.prepare(
      `SELECT receipt_id, site_id, seq, min_ts, max_ts, done_below, payload FROM raw_batches
          WHERE max_ts >= ? AND min_ts <= ?`,
    ),
    batchOf: db.prepare(
      'SELECT receipt_id, site_id, seq, min_ts, max_ts, done_below, payload FROM raw_batches WHERE receipt_id = ?',
    ),
    chunk: db.prepare('SELECT payload FROM raw_chunks WHERE window_start = ? AND series_id = ?'),
    rolledUp: db.prepare('SELECT rolled_up FROM receipts WHERE id = ?'),
  };
}

/**
 * Raw sample reads of the SQLite store: stored samples at points (the ingest check), chunks by key, the
 * upgrade's legacy rows, and the reads of recovery, tools and the deep receipt check. Synchronous: the store
 * calls them inside its transactions or answers with them directly. Owns what the store knows about the legacy
 * table, which the writer, the flush and the maintenance read and the maintenance updates.
 */
export class SqliteRawReads {
  private readonly s: ReturnType<typeof statements>;
  /** The pre-chunk sample table is still being moved (an upgraded database). */
  legacy: boolean;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.legacy = !!db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'samples_legacy'")
      .get();
    this.s = statements(db);
  }

  /** Stored samples at these (series, ts) of one site, last write resolved. */
  storedAt(siteId: number, at: { seriesId: number; ts: number }[]): RawSample[] {
    const q = pointLookup(at);
    const batches = (this.s.batchesOfSite.all(siteId, q.hi, q.lo) as BatchDbRow[]).map(batchRow);
    return resolveRaw(q.want, this.chunksAt(q.chunkKeys), batches, this.legacyIn(q.lo, q.hi + 1));
  }

  /** The stored chunk of one (window, series), if any. */
  storedChunk(windowStart: number, seriesId: number): { payload: Uint8Array } | undefined {
    return this.s.chunk.get(windowStart, seriesId) as { payload: Uint8Array } | undefined;
  }

  chunksAt(pairs: Iterable<{ windowStart: number; seriesId: number }>): ChunkRow[] {
    const out: ChunkRow[] = [];
    for (const p of pairs) {
      const row = this.storedChunk(p.windowStart, p.seriesId);
      if (row) out.push({ windowStart: p.windowStart, seriesId: p.seriesId, payload: row.payload });
    }
    return out;
  }

  legacyIn(from: number, to: number): RawSample[] {
    if (!this.legacy) return [];
    const rows = this.db
      .prepare('SELECT series_id, ts, value FROM samples_legacy WHERE ts >= ? AND ts < ?')
      .all(from, to) as { series_id: number; ts: number; value: number }[];
    return rows.map(legacySample);
  }

  /** Level-0 rows overlapping [from, toInclusive] whose receipt a flush has folded in. */
  rolledUpBatchesIn(from: number, toInclusive: number): BatchRow[] {
    return (this.s.batchesIn.all(from, toInclusive) as BatchDbRow[])
      .filter(
        (b) => (this.s.rolledUp.get(b.receipt_id) as { rolled_up: number } | undefined)?.rolled_up === 1,
      )
      .map(batchRow);
  }

  minuteBucketsOfReceipts(receipts: PendingReceipt[]): { seriesId: number; bucket: number }[] {
    const out: { seriesId: number; bucket: number }[] = [];
    for (const r of receipts) {
      // A collector per receipt: repeats are dropped within a receipt, not across receipts.
      const buckets = new MinuteBuckets(out);
      const row = this.s.batchOf.get(r.id) as BatchDbRow | undefined;
      if (row) forEachBatchSample(batchRow(row), (x) => buckets.add(x.seriesId, x.ts));
      if (this.legacy && r.minTs !== null && r.maxTs !== null) {
        const rows = this.db
          .prepare('SELECT series_id, ts FROM samples_legacy WHERE ts >= ? AND ts <= ? AND receipt_id = ?')
          .all(r.minTs, r.maxTs, r.id) as { series_id: number; ts: number }[];
        for (const x of rows) buckets.add(x.series_id, x.ts);
      }
    }
    return out;
  }

  /** Raw samples of some series in [from, to), last write resolved (tests, tools). */
  readRaw(seriesIds: number[], from: number, to: number): RawSample[] {
    const ids = new Set(seriesIds);
    const legacy = this.legacyIn(from, to);
    const batches = (this.s.batchesIn.all(from, to - 1) as BatchDbRow[]).map(batchRow);
    const chunks = (
      this.db
        .prepare(
          'SELECT window_start, series_id, payload FROM raw_chunks WHERE window_start >= ? AND window_start < ?',
        )
        .all(windowOf(from), to) as ChunkDbRow[]
    )
      .filter((r) => ids.has(r.series_id))
      .map(chunkRow);
    return resolveRaw((sid, ts) => ids.has(sid) && ts >= from && ts < to, chunks, batches, legacy);
  }

  /** Deep receipt check: the site's level-0 rows with min_ts < before, after a (min_ts, receipt_id) key. */
  siteBatches(p: SiteBatchesPage): BatchRow[] {
    const rows = this.db
      .prepare(
        `SELECT ${BATCH_COLS} FROM raw_batches
          WHERE site_id = ? AND min_ts < ? AND (min_ts > ? OR (min_ts = ? AND receipt_id > ?))
          ORDER BY min_ts, receipt_id LIMIT ?`,
      )
      .all(p.siteId, p.before, p.afterMinTs, p.afterMinTs, p.afterReceiptId, p.limit) as BatchDbRow[];
    return rows.map(batchRow);
  }

  /** Deep receipt check: the site's chunks of one window after a series id, in series order. */
  siteChunks(p: SiteChunksPage): ChunkRow[] {
    const rows = this.db
      .prepare(
        `SELECT window_start, series_id, payload FROM raw_chunks
          WHERE window_start = ? AND series_id > ? AND series_id IN (SELECT id FROM series WHERE site_id = ?)
          ORDER BY series_id LIMIT ?`,
      )
      .all(p.windowStart, p.afterSeriesId, p.siteId, p.limit) as ChunkDbRow[];
    return rows.map(chunkRow);
  }

  /** Deep receipt check: the upgrade's rows of the site in [from, to), at their receipt's seq (0 if unknown). */
  siteLegacy(siteId: number, from: number, to: number): RawSample[] {
    if (!this.legacy) return [];
    const rows = this.db
      .prepare(
        `SELECT l.series_id, l.ts, l.value, COALESCE(r.seq, 0) AS seq FROM samples_legacy l
           LEFT JOIN receipts r ON r.id = l.receipt_id
          WHERE l.ts >= ? AND l.ts < ? AND l.series_id IN (SELECT id FROM series WHERE site_id = ?)`,
      )
      .all(from, to, siteId) as { series_id: number; ts: number; value: number; seq: number }[];
    return rows.map((r) => ({ seriesId: r.series_id, ts: r.ts, value: r.value, seq: r.seq }));
  }

  /** Deep receipt check: the first window ≥ from with a chunk, a level-0 row's start or a legacy row of the site. */
  nextSiteWindow(siteId: number, from: number): number | null {
    const chunk = this.db
      .prepare(
        `SELECT window_start AS t FROM raw_chunks
          WHERE window_start >= ? AND series_id IN (SELECT id FROM series WHERE site_id = ?)
          ORDER BY window_start LIMIT 1`,
      )
      .get(from, siteId) as { t: number } | undefined;
    const batch = this.db
      .prepare('SELECT MIN(min_ts) AS t FROM raw_batches WHERE site_id = ? AND min_ts >= ?')
      .get(siteId, from) as { t: number | null };
    const legacy = this.legacy
      ? (this.db
          .prepare(
            `SELECT MIN(ts) AS t FROM samples_legacy
              WHERE ts >= ? AND series_id IN (SELECT id FROM series WHERE site_id = ?)`,
          )
          .get(from, siteId) as { t: number | null })
      : undefined;
    const ts = [chunk?.t, batch.t, legacy?.t].filter((t): t is number => t !== null && t !== undefined);
    return ts.length ? windowOf(Math.min(...ts)) : null;
  }
}
