import type { Pool, PoolClient } from 'pg';
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
import { isMissingRelation, numArray } from './postgres-sql';
import { MinuteBuckets } from './rollup-flush-plan';
import { legacySample } from './store-rows';
import type { PendingReceipt, SiteBatchesPage, SiteChunksPage } from './telemetry-store';

/**
 * Raw sample reads of the PostgreSQL store: stored samples at points (the ingest check), chunks by key, the
 * upgrade's legacy rows, and the reads of recovery, tools and the deep receipt check. Owns what the store knows
 * about the legacy table, which the writer, the flush and the maintenance read and the maintenance updates.
 */
export class PostgresRawReads {
  /** The pre-chunk sample table may still exist (an upgraded database); learnt false once it is gone. */
  legacy = true;

  constructor(private readonly pool: Pool) {}

  /**
   * Stored samples at these (series, ts) of one site, last write resolved. Read in the order the compactor and
   * the upgrade move data (legacy rows, then batches, then chunks), so a sample moved between two of these
   * statements is seen at least once.
   */
  async storedAt(
    c: PoolClient,
    siteId: number,
    at: { seriesId: number; ts: number }[],
  ): Promise<RawSample[]> {
    const q = pointLookup(at);
    const legacy = await this.legacyIn(c, q.lo, q.hi + 1, q.seriesIds);
    const { rows } = await c.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches WHERE site_id = $1 AND min_ts <= $2 AND max_ts >= $3`,
      [siteId, q.hi, q.lo],
    );
    const chunks = await this.chunksAt(c, q.chunkKeys);
    return resolveRaw(q.want, chunks, rows.map(batchRow), legacy);
  }

  async chunksAt(
    c: PoolClient | Pool,
    pairs: readonly { windowStart: number; seriesId: number }[],
  ): Promise<ChunkRow[]> {
    if (pairs.length === 0) return [];
    const { rows } = await c.query<ChunkDbRow>(
      `SELECT k.window_start, k.series_id, k.payload FROM raw_chunks k
         JOIN unnest($1::bigint[], $2::int[]) AS u(w, s) ON k.window_start = u.w AND k.series_id = u.s`,
      [numArray(pairs.map((p) => p.windowStart)), numArray(pairs.map((p) => p.seriesId))],
    );
    return rows.map(chunkRow);
  }

  async legacyIn(c: PoolClient | Pool, from: number, to: number, seriesIds: number[]): Promise<RawSample[]> {
    if (!this.legacy) return [];
    try {
      const { rows } = await c.query<{ series_id: number; ts: number; value: number }>(
        'SELECT series_id, ts, value FROM samples_legacy WHERE ts >= $1 AND ts < $2 AND series_id = ANY($3::int[])',
        [from, to, numArray(seriesIds)],
      );
      return rows.map(legacySample);
    } catch (err) {
      // Only a database whose upgrade table was removed by hand gets here: the table is emptied, never dropped,
      // so no other instance's statement can fail on it mid-transaction.
      if (!isMissingRelation(err)) throw err;
      this.legacy = false;
      throw err;
    }
  }

  async minuteBucketsOfReceipts(receipts: PendingReceipt[]): Promise<{ seriesId: number; bucket: number }[]> {
    // One collector for all receipts: a bucket several of them touch is listed once.
    const buckets = new MinuteBuckets();
    const out = buckets.out;
    if (receipts.length === 0) return out;
    const { rows } = await this.pool.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches WHERE receipt_id = ANY($1::int[])`,
      [numArray(receipts.map((r) => r.id))],
    );
    for (const row of rows) forEachBatchSample(batchRow(row), (x) => buckets.add(x.seriesId, x.ts));
    if (this.legacy) {
      for (const r of receipts) {
        if (r.minTs === null || r.maxTs === null) continue;
        const { rows: old } = await this.pool.query<{ series_id: number; ts: number }>(
          'SELECT series_id, ts FROM samples_legacy WHERE ts >= $1 AND ts <= $2 AND receipt_id = $3',
          [r.minTs, r.maxTs, r.id],
        );
        for (const x of old) buckets.add(x.series_id, x.ts);
      }
    }
    return out;
  }

  async readRaw(seriesIds: number[], from: number, to: number): Promise<RawSample[]> {
    const ids = new Set(seriesIds);
    const legacy = await this.legacyIn(this.pool, from, to, seriesIds);
    const { rows } = await this.pool.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches WHERE max_ts >= $1 AND min_ts < $2`,
      [from, to],
    );
    const { rows: chunkRows } = await this.pool.query<ChunkDbRow>(
      `SELECT window_start, series_id, payload FROM raw_chunks
        WHERE window_start >= $1 AND window_start < $2 AND series_id = ANY($3::int[])`,
      [windowOf(from), to, numArray(seriesIds)],
    );
    const chunks = chunkRows.map(chunkRow);
    return resolveRaw((sid, ts) => ids.has(sid) && ts >= from && ts < to, chunks, rows.map(batchRow), legacy);
  }

  /** Deep receipt check: the site's level-0 rows with min_ts < before, after a (min_ts, receipt_id) key. */
  async siteBatches(p: SiteBatchesPage): Promise<BatchRow[]> {
    const { rows } = await this.pool.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches
        WHERE site_id = $1 AND min_ts < $2 AND (min_ts > $3 OR (min_ts = $3 AND receipt_id > $4))
        ORDER BY min_ts, receipt_id LIMIT $5`,
      [p.siteId, p.before, p.afterMinTs, p.afterReceiptId, p.limit],
    );
    return rows.map(batchRow);
  }

  /** Deep receipt check: the site's chunks of one window after a series id, in series order. */
  async siteChunks(p: SiteChunksPage): Promise<ChunkRow[]> {
    const { rows } = await this.pool.query<ChunkDbRow>(
      `SELECT window_start, series_id, payload FROM raw_chunks
        WHERE window_start = $1 AND series_id > $2 AND series_id IN (SELECT id FROM series WHERE site_id = $3)
        ORDER BY series_id LIMIT $4`,
      [p.windowStart, p.afterSeriesId, p.siteId, p.limit],
    );
    return rows.map(chunkRow);
  }

  /** Deep receipt check: the upgrade's rows of the site in [from, to), at their receipt's seq (0 if unknown). */
  async siteLegacy(siteId: number, from: number, to: number): Promise<RawSample[]> {
    if (!this.legacy) return [];
    try {
      const { rows } = await this.pool.query<{ series_id: number; ts: number; value: number; seq: number }>(
        `SELECT l.series_id, l.ts, l.value, COALESCE(r.seq, 0) AS seq FROM samples_legacy l
           LEFT JOIN receipts r ON r.id = l.receipt_id
          WHERE l.ts >= $1 AND l.ts < $2 AND l.series_id IN (SELECT id FROM series WHERE site_id = $3)`,
        [from, to, siteId],
      );
      return rows.map((r) => ({ seriesId: r.series_id, ts: r.ts, value: r.value, seq: Number(r.seq) }));
    } catch (err) {
      if (!isMissingRelation(err)) throw err;
      return [];
    }
  }

  /** Deep receipt check: the first window ≥ from with a chunk, a level-0 row's start or a legacy row of the site. */
  async nextSiteWindow(siteId: number, from: number): Promise<number | null> {
    const { rows } = await this.pool.query<{ t: number | null }>(
      `SELECT LEAST(
         (SELECT window_start FROM raw_chunks
           WHERE window_start >= $1 AND series_id IN (SELECT id FROM series WHERE site_id = $2)
           ORDER BY window_start LIMIT 1),
         (SELECT MIN(min_ts) FROM raw_batches WHERE site_id = $2 AND min_ts >= $1)) AS t`,
      [from, siteId],
    );
    let t = rows[0]?.t ?? null;
    const legacy = await this.siteLegacyNext(siteId, from);
    if (legacy !== null && (t === null || legacy < t)) t = legacy;
    return t === null ? null : windowOf(Number(t));
  }

  private async siteLegacyNext(siteId: number, from: number): Promise<number | null> {
    if (!this.legacy) return null;
    try {
      const { rows } = await this.pool.query<{ t: number | null }>(
        `SELECT MIN(ts) AS t FROM samples_legacy
          WHERE ts >= $1 AND series_id IN (SELECT id FROM series WHERE site_id = $2)`,
        [from, siteId],
      );
      return rows[0]?.t ?? null;
    } catch (err) {
      if (!isMissingRelation(err)) throw err;
      return null;
    }
  }
}
