import type { Pool } from 'pg';
import type { BatchRow, ChunkRow, MaintainPolicy, MaintainStats, RawSample } from './raw-layout';
import { AGG_COLS, CHART_COLS, rollupColumns, type AggRow, type RollupColumns } from './rollup-row';
import { PostgresBatchWriter } from './postgres-batch-write';
import { PostgresRawMaintenance } from './postgres-raw-maintenance';
import { PostgresRawReads } from './postgres-raw-reads';
import { PostgresRollupFlush } from './postgres-rollup-flush';
import {
  pendingReceipt,
  rollupRow,
  seriesRow,
  type PendingReceiptDbRow,
  type SeriesDbRow,
} from './store-rows';
import type {
  BatchInput,
  BatchOutput,
  FlushStats,
  LevelFlush,
  PendingReceipt,
  RollupFlush,
  RollupFlushHead,
  RollupRange,
  RollupRow,
  SeriesRow,
  SiteBatchesPage,
  SiteChunksPage,
  TelemetryStore,
} from './telemetry-store';

/**
 * PostgreSQL hot path: one transaction per batch, which writes one `raw_batches` row (the samples in one payload,
 * see raw-layout.ts), the receipt and the site's chain. Samples that are not plain appends by this instance's
 * knowledge (SampleFloors) are compared with what is stored first (last write wins). The chain row is locked for
 * the short tail of the transaction only, so batches of one site serialise on the chain but not on the rest.
 *
 * The parts live beside it: the batch writer (postgres-batch-write.ts), the rollup flush (postgres-rollup-flush.ts),
 * raw reads (postgres-raw-reads.ts) and raw upkeep (postgres-raw-maintenance.ts); the plain reads stay here.
 */
export class PostgresTelemetryStore implements TelemetryStore {
  private readonly raw: PostgresRawReads;
  private readonly writer: PostgresBatchWriter;
  private readonly flusher: PostgresRollupFlush;
  private readonly maintenance: PostgresRawMaintenance;
  /** How batches went in: plain appends, or with a look at stored samples first. */
  readonly writes: { append: number; checked: number };

  constructor(private readonly pool: Pool) {
    this.raw = new PostgresRawReads(pool);
    this.writer = new PostgresBatchWriter(pool, this.raw);
    this.flusher = new PostgresRollupFlush(pool, this.raw);
    this.maintenance = new PostgresRawMaintenance(pool, this.raw);
    this.writes = this.writer.writes;
  }

  async loadSeries(): Promise<SeriesRow[]> {
    const { rows } = await this.pool.query<SeriesDbRow>(
      'SELECT id, site_id, metric, labels, kind FROM series',
    );
    return rows.map(seriesRow);
  }

  writeBatch(input: BatchInput): Promise<BatchOutput> {
    return this.writer.writeBatch(input);
  }

  flushRollups(flush: RollupFlush): Promise<FlushStats> {
    return this.flusher.flushRollups(flush);
  }

  flushRollupSlices(head: RollupFlushHead, slices: AsyncIterable<LevelFlush[]>): Promise<FlushStats> {
    return this.flusher.flushRollupSlices(head, slices);
  }

  async pendingReceipts(afterId: number, limit: number): Promise<PendingReceipt[]> {
    const { rows } = await this.pool.query<PendingReceiptDbRow>(
      'SELECT id, instance_id, site_id, min_ts, max_ts, received_at FROM receipts WHERE NOT rolled_up AND id > $1 ORDER BY id LIMIT $2',
      [afterId, limit],
    );
    return rows.map(pendingReceipt);
  }

  minuteBucketsOfReceipts(receipts: PendingReceipt[]): Promise<{ seriesId: number; bucket: number }[]> {
    return this.raw.minuteBucketsOfReceipts(receipts);
  }

  readRaw(seriesIds: number[], from: number, to: number): Promise<RawSample[]> {
    return this.raw.readRaw(seriesIds, from, to);
  }

  siteBatches(page: SiteBatchesPage): Promise<BatchRow[]> {
    return this.raw.siteBatches(page);
  }

  siteChunks(page: SiteChunksPage): Promise<ChunkRow[]> {
    return this.raw.siteChunks(page);
  }

  siteLegacy(siteId: number, from: number, to: number): Promise<RawSample[]> {
    return this.raw.siteLegacy(siteId, from, to);
  }

  nextSiteWindow(siteId: number, from: number): Promise<number | null> {
    return this.raw.nextSiteWindow(siteId, from);
  }

  maintain(now: number, policy: MaintainPolicy): Promise<MaintainStats> {
    return this.maintenance.maintain(now, policy);
  }

  async oldestPendingReceivedAt(): Promise<number | null> {
    const { rows } = await this.pool.query<{ t: number | null }>(
      'SELECT MIN(received_at) AS t FROM receipts WHERE NOT rolled_up',
    );
    return rows[0]?.t ?? null;
  }

  async readRollups(...[step, seriesIds, from, to]: RollupRange): Promise<RollupRow[]> {
    if (seriesIds.length === 0) return [];
    const { rows } = await this.pool.query<AggRow & { series_id: number; bucket: number }>(
      `SELECT series_id, bucket, ${AGG_COLS} FROM rollup_${step}
        WHERE series_id = ANY($1::int[]) AND bucket >= $2 AND bucket < $3 ORDER BY series_id, bucket`,
      [seriesIds, from, to],
    );
    return rows.map(rollupRow);
  }

  async readRollupColumns(...[step, seriesIds, from, to]: RollupRange): Promise<RollupColumns> {
    if (seriesIds.length === 0) return rollupColumns([]);
    const { rows } = await this.pool.query<(number | string)[]>({
      text: `SELECT ${CHART_COLS} FROM rollup_${step}
        WHERE series_id = ANY($1::int[]) AND bucket >= $2 AND bucket < $3 ORDER BY series_id, bucket`,
      values: [seriesIds, from, to],
      rowMode: 'array',
    });
    return rollupColumns(rows);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
