import type BetterSqlite3 from 'better-sqlite3';
import { yieldLoop } from '../platform/common/yield-loop';
import {
  emptyMaintainStats,
  groupLegacyRows,
  mergedChunkPayload,
  siteHorizon,
  windowOf,
  BATCH_COLS,
  COMPACT_SITES_SQL,
  type BatchDbRow,
  type ChunkGroup,
  type CompactSiteRow,
  type MaintainPolicy,
  type MaintainStats,
  type RetentionPolicy,
} from './raw-layout';
import {
  countCompaction,
  planSiteCompaction,
  takeForPass,
  type CompactableBatch,
} from './raw-compaction-pass';
import type { SqliteRawReads } from './sqlite-raw-reads';

/** Chunk rewrites per compaction transaction: ~20–40 µs each, so a transaction holds the writer for ~20 ms. */
const COMPACT_SLICE = 600;
/** Level-0 samples one compaction pass takes on, per site. */
const COMPACT_SAMPLES = 60_000;
/** Rows one retention or upgrade transaction removes or moves. */
const EXPIRE_SLICE = 5_000;

/** The statements of compaction and retention (the legacy table's are prepared when used: it may go). */
function statements(db: BetterSqlite3.Database) {
  return {
    putChunk: db.prepare(
      'INSERT OR REPLACE INTO raw_chunks (window_start, series_id, samples, min_ts, max_ts, payload) VALUES (?,?,?,?,?,?)',
    ),
    compactSites: db.prepare(COMPACT_SITES_SQL),
    compactable: db.prepare(
      `SELECT b.receipt_id, b.samples
           FROM raw_batches b JOIN receipts r ON r.id = b.receipt_id
          WHERE b.site_id = ? AND b.min_ts < ? AND b.done_below < ? AND r.rolled_up = 1
          ORDER BY b.min_ts`,
    ),
    batch: db.prepare(`SELECT ${BATCH_COLS} FROM raw_batches WHERE receipt_id = ?`),
    dropBatch: db.prepare('DELETE FROM raw_batches WHERE receipt_id = ?'),
    advanceBatch: db.prepare('UPDATE raw_batches SET done_below = ? WHERE receipt_id = ?'),
    expireChunks: db.prepare(
      `DELETE FROM raw_chunks WHERE (window_start, series_id) IN
           (SELECT window_start, series_id FROM raw_chunks WHERE window_start < ? LIMIT ${EXPIRE_SLICE})`,
    ),
    maxSeries: db.prepare('SELECT MAX(id) AS id FROM series'),
    expireMinutes: db.prepare('DELETE FROM rollup_1m WHERE series_id >= ? AND series_id < ? AND bucket < ?'),
  };
}

/** Raw upkeep of SqliteTelemetryStore: compaction into chunks, the upgrade's move, retention. */
export class SqliteRawMaintenance {
  private readonly s: ReturnType<typeof statements>;
  /** Where the round-robin expiry of minute rows resumes (a series id). */
  private expireCursor = 0;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly raw: SqliteRawReads,
  ) {
    this.s = statements(db);
  }

  /**
   * Background upkeep, a bounded amount per call: compacts closed windows into chunks, moves rows of the
   * pre-chunk table (upgrade), and applies retention. Runs on the writer in short transactions with the event
   * loop released in between, so ingest batches interleave.
   */
  async maintain(now: number, policy: MaintainPolicy): Promise<MaintainStats> {
    const stats = emptyMaintainStats();
    for (const site of this.s.compactSites.all() as CompactSiteRow[]) {
      await this.compactSite(
        site.site_id,
        siteHorizon(site.newest, site.received, now, policy.quietMs),
        stats,
      );
    }
    if (this.raw.legacy) await this.moveLegacy(stats);
    await this.expire(policy, stats);
    return stats;
  }

  private async compactSite(siteId: number, horizon: number, stats: MaintainStats): Promise<void> {
    const compactable = this.s.compactable.all(siteId, horizon, horizon) as CompactableBatch[];
    if (compactable.length === 0) return;
    const rows = takeForPass(compactable, COMPACT_SAMPLES, stats).map(
      (id) => this.s.batch.get(id) as BatchDbRow,
    );
    const plan = planSiteCompaction(rows, horizon);
    const groups = plan.groups;
    const writeSlice = this.db.transaction((slice: ChunkGroup[]) => this.putChunks(slice));
    for (let i = 0; i < groups.length; i += COMPACT_SLICE) {
      // A crash between slices leaves the batches in place: compacting them again merges the same samples with
      // the same sequence, which changes nothing.
      writeSlice.immediate(groups.slice(i, i + COMPACT_SLICE));
      stats.chunksWritten += Math.min(COMPACT_SLICE, groups.length - i);
      await yieldLoop();
    }
    this.db
      .transaction(() => {
        for (const id of plan.drop) this.s.dropBatch.run(id);
        for (const id of plan.advance) this.s.advanceBatch.run(horizon, id);
      })
      .immediate();
    countCompaction(stats, plan);
  }

  /** Merges samples into their chunks (read, merge, replace); the caller holds the transaction. */
  private putChunks(groups: readonly ChunkGroup[]): void {
    for (const g of groups) {
      const stored = this.raw.storedChunk(g.windowStart, g.seriesId);
      const c = mergedChunkPayload(stored?.payload, g.samples);
      this.s.putChunk.run(g.windowStart, g.seriesId, c.n, c.minTs, c.maxTs, c.payload);
    }
  }

  /** Upgrade: rows of the one-row-per-sample table into chunks, oldest first, then the table goes. */
  private async moveLegacy(stats: MaintainStats): Promise<void> {
    const rows = this.db
      .prepare(
        `SELECT ts, series_id, value FROM samples_legacy ORDER BY ts, series_id LIMIT ${EXPIRE_SLICE * 4}`,
      )
      .all() as { ts: number; series_id: number; value: number }[];
    if (rows.length === 0) {
      this.db.prepare('DROP TABLE samples_legacy').run();
      this.raw.legacy = false;
      return;
    }
    const { groups, last } = groupLegacyRows(rows);
    this.db
      .transaction(() => {
        this.putChunks(groups);
        this.db
          .prepare('DELETE FROM samples_legacy WHERE ts < ? OR (ts = ? AND series_id <= ?)')
          .run(last.ts, last.ts, last.seriesId);
      })
      .immediate();
    stats.legacyRowsMoved += rows.length;
    stats.more = true;
    await yieldLoop();
  }

  private async expire(retention: RetentionPolicy, stats: MaintainStats): Promise<void> {
    if (retention.rawBefore > 0) {
      const before = windowOf(retention.rawBefore);
      for (;;) {
        const n = this.s.expireChunks.run(before).changes;
        stats.rawRowsExpired += n;
        if (n < EXPIRE_SLICE) break;
        await yieldLoop();
      }
    }
    if (retention.rollup1mBefore > 0) {
      // Minute rows are keyed by series first: expire a range of series per transaction, round-robin.
      const max = (this.s.maxSeries.get() as { id: number | null }).id ?? 0;
      const span = 200;
      for (let done = 0; done <= max; done += span) {
        if (this.expireCursor > max) this.expireCursor = 0;
        const n = this.s.expireMinutes.run(
          this.expireCursor,
          this.expireCursor + span,
          retention.rollup1mBefore,
        ).changes;
        stats.rollup1mRowsExpired += n;
        this.expireCursor += span;
        if (n) await yieldLoop();
      }
    }
    if (stats.rawRowsExpired + stats.rollup1mRowsExpired > 0) this.db.pragma('incremental_vacuum(2000)');
  }
}
