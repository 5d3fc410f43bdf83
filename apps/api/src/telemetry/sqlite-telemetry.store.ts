import type BetterSqlite3 from 'better-sqlite3';
import type { BatchRow, ChunkRow, MaintainPolicy, MaintainStats, RawSample } from './raw-layout';
import { AGG_COLS, CHART_COLS, rollupColumns, type AggRow, type RollupColumns } from './rollup-row';
import { SqliteBatchWriter } from './sqlite-batch-write';
import { SqliteRawMaintenance } from './sqlite-raw-maintenance';
import { SqliteRawReads } from './sqlite-raw-reads';
import { SqliteRollupFlush, type SqliteFlushState } from './sqlite-rollup-flush';
import {
  pendingReceipt,
  rollupRow,
  seriesRow,
  type PendingReceiptDbRow,
  type SeriesDbRow,
} from './store-rows';
import {
  SAMPLE_NEW,
  SAMPLE_REPLACED,
  SAMPLE_UNCHANGED,
  type BatchInput,
  type BatchOutput,
  type FlushStats,
  type LevelFlush,
  type PendingReceipt,
  type RollupFlush,
  type RollupFlushHead,
  type RollupRange,
  type RollupRow,
  type SeriesRow,
  type SiteBatchesPage,
  type SiteChunksPage,
  type TelemetryStore,
} from './telemetry-store';

/** The statements of the plain reads. */
function statements(db: BetterSqlite3.Database) {
  return {
    pending: db.prepare(
      'SELECT id, instance_id, site_id, min_ts, max_ts, received_at FROM receipts WHERE rolled_up = 0 AND id > ? ORDER BY id LIMIT ?',
    ),
    oldestPending: db.prepare('SELECT MIN(received_at) AS t FROM receipts WHERE rolled_up = 0'),
    series: db.prepare('SELECT id, site_id, metric, labels, kind FROM series'),
    ping: db.prepare('SELECT 1'),
  };
}

/**
 * SQLite hot path: one synchronous transaction per batch with prepared statements (better-sqlite3 is
 * synchronous, so nothing else runs on the event loop while a batch commits — no interleaving to guard).
 *
 * The parts live beside it: the batch writer (sqlite-batch-write.ts), the rollup flush (sqlite-rollup-flush.ts),
 * raw reads (sqlite-raw-reads.ts) and raw upkeep (sqlite-raw-maintenance.ts); the plain reads stay here.
 */
export class SqliteTelemetryStore implements TelemetryStore {
  private readonly s: ReturnType<typeof statements>;
  private readonly raw: SqliteRawReads;
  private readonly writer: SqliteBatchWriter;
  private readonly flusher: SqliteRollupFlush;
  private readonly maintenance: SqliteRawMaintenance;
  private readonly openFlushes = new Map<number, SqliteFlushState>();
  private nextFlush = 1;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.raw = new SqliteRawReads(db);
    this.writer = new SqliteBatchWriter(db, this.raw);
    this.flusher = new SqliteRollupFlush(db, this.raw);
    this.maintenance = new SqliteRawMaintenance(db, this.raw);
    this.s = statements(db);
  }

  async loadSeries(): Promise<SeriesRow[]> {
    const rows = this.s.series.all() as SeriesDbRow[];
    return rows.map(seriesRow);
  }

  async writeBatch(input: BatchInput): Promise<BatchOutput> {
    return this.writer.writeBatch(input);
  }

  flushRollups(flush: RollupFlush): Promise<FlushStats> {
    return this.flusher.flushRollups(flush);
  }

  flushRollupSlices(head: RollupFlushHead, slices: AsyncIterable<LevelFlush[]>): Promise<FlushStats> {
    return this.flusher.flushRollupSlices(head, slices);
  }

  // A streamed flush across the worker boundary (SqliteWorkerStore.flushRollupSlices): one message per slice.

  async flushOpen(): Promise<number> {
    const id = this.nextFlush++;
    this.openFlushes.set(id, this.flusher.open());
    return id;
  }

  async flushSlice(id: number, levels: LevelFlush[]): Promise<void> {
    const state = this.openFlushes.get(id);
    if (!state) throw new Error(`rollup flush ${id} is not open`);
    await this.flusher.slice(state, levels);
  }

  async flushClose(id: number, head: RollupFlushHead): Promise<FlushStats> {
    const state = this.openFlushes.get(id);
    if (!state) throw new Error(`rollup flush ${id} is not open`);
    this.openFlushes.delete(id);
    return this.flusher.close(state, head);
  }

  async flushAbort(id: number): Promise<void> {
    this.openFlushes.delete(id);
  }

  async pendingReceipts(afterId: number, limit: number): Promise<PendingReceipt[]> {
    const rows = this.s.pending.all(afterId, limit) as PendingReceiptDbRow[];
    return rows.map(pendingReceipt);
  }

  async minuteBucketsOfReceipts(receipts: PendingReceipt[]): Promise<{ seriesId: number; bucket: number }[]> {
    return this.raw.minuteBucketsOfReceipts(receipts);
  }

  /** Raw samples of some series in [from, to), last write resolved (tests, tools). */
  async readRaw(seriesIds: number[], from: number, to: number): Promise<RawSample[]> {
    return this.raw.readRaw(seriesIds, from, to);
  }

  async siteBatches(page: SiteBatchesPage): Promise<BatchRow[]> {
    return this.raw.siteBatches(page);
  }

  async siteChunks(page: SiteChunksPage): Promise<ChunkRow[]> {
    return this.raw.siteChunks(page);
  }

  async siteLegacy(siteId: number, from: number, to: number): Promise<RawSample[]> {
    return this.raw.siteLegacy(siteId, from, to);
  }

  async nextSiteWindow(siteId: number, from: number): Promise<number | null> {
    return this.raw.nextSiteWindow(siteId, from);
  }

  maintain(now: number, policy: MaintainPolicy): Promise<MaintainStats> {
    return this.maintenance.maintain(now, policy);
  }

  async oldestPendingReceivedAt(): Promise<number | null> {
    const row = this.s.oldestPending.get() as { t: number | null };
    return row.t;
  }

  async readRollups(...[step, seriesIds, from, to]: RollupRange): Promise<RollupRow[]> {
    if (seriesIds.length === 0) return [];
    const stmt = this.db.prepare(
      `SELECT series_id, bucket, ${AGG_COLS} FROM rollup_${step}
        WHERE series_id IN (${seriesIds.map(() => '?').join(',')}) AND bucket >= ? AND bucket < ?
        ORDER BY series_id, bucket`,
    );
    const rows = stmt.all(...seriesIds, from, to) as (AggRow & { series_id: number; bucket: number })[];
    return rows.map(rollupRow);
  }

  async readRollupColumns(...[step, seriesIds, from, to]: RollupRange): Promise<RollupColumns> {
    if (seriesIds.length === 0) return rollupColumns([]);
    const stmt = this.db.prepare(
      `SELECT ${CHART_COLS} FROM rollup_${step}
        WHERE series_id IN (${seriesIds.map(() => '?').join(',')}) AND bucket >= ? AND bucket < ?
        ORDER BY series_id, bucket`,
    );
    return rollupColumns(stmt.raw(true).all(...seriesIds, from, to) as number[][]);
  }

  async ping(): Promise<void> {
    this.s.ping.get();
  }
}

export { SAMPLE_NEW, SAMPLE_REPLACED, SAMPLE_UNCHANGED };
