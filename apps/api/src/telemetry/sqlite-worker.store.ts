import { WorkerClient } from '../common/worker-rpc';
import type { RollupColumns } from './rollup-row';
import type { BatchRow, ChunkRow, MaintainPolicy, MaintainStats, RawSample } from './raw-layout';
import { packBatch, unpackBatchOutput, type PackedBatchOutput } from './sqlite-worker.protocol';
import {
  flushTransfer,
  type BatchInput,
  type BatchOutput,
  type FlushStats,
  type PendingReceipt,
  type RollupFlush,
  type RollupRow,
  type RollupStep,
  type SeriesRow,
  type TelemetryStore,
} from './telemetry-store';

/** The SQLite telemetry store, proxied to its worker thread. */
export class SqliteWorkerStore implements TelemetryStore {
  private readonly worker: WorkerClient;

  constructor(path: string) {
    // Few short-lived objects per batch here (typed columns in, one row out): a small young generation.
    this.worker = new WorkerClient({
      dir: __dirname,
      name: 'sqlite-store.worker',
      data: { path },
      limits: { youngMb: 16, oldMb: 160 },
      what: 'SQLite writer',
      code: 'SQLITE_WORKER',
    });
  }

  private call<T>(op: string, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    return this.worker.call<T>(op, args, transfer);
  }

  loadSeries(): Promise<SeriesRow[]> {
    return this.call('loadSeries', []);
  }

  async writeBatch(input: BatchInput): Promise<BatchOutput> {
    const { packed, transfer } = packBatch(input);
    const out = await this.call<PackedBatchOutput>('writeBatch', [packed], transfer);
    return unpackBatchOutput(out);
  }

  flushRollups(flush: RollupFlush): Promise<FlushStats> {
    return this.call('flushRollups', [flush], flushTransfer(flush));
  }

  pendingReceipts(afterId: number, limit: number): Promise<PendingReceipt[]> {
    return this.call('pendingReceipts', [afterId, limit]);
  }

  minuteBucketsOfReceipts(receipts: PendingReceipt[]): Promise<{ seriesId: number; bucket: number }[]> {
    return this.call('minuteBucketsOfReceipts', [receipts]);
  }

  oldestPendingReceivedAt(): Promise<number | null> {
    return this.call('oldestPendingReceivedAt', []);
  }

  readRollups(step: RollupStep, seriesIds: number[], from: number, to: number): Promise<RollupRow[]> {
    return this.call('readRollups', [step, seriesIds, from, to]);
  }

  readRollupColumns(step: RollupStep, seriesIds: number[], from: number, to: number): Promise<RollupColumns> {
    return this.call('readRollupColumns', [step, seriesIds, from, to]);
  }

  readRaw(seriesIds: number[], from: number, to: number): Promise<RawSample[]> {
    return this.call('readRaw', [seriesIds, from, to]);
  }

  siteBatches(
    siteId: number,
    afterMinTs: number,
    afterReceiptId: number,
    before: number,
    limit: number,
  ): Promise<BatchRow[]> {
    return this.call('siteBatches', [siteId, afterMinTs, afterReceiptId, before, limit]);
  }

  siteChunks(siteId: number, windowStart: number, afterSeriesId: number, limit: number): Promise<ChunkRow[]> {
    return this.call('siteChunks', [siteId, windowStart, afterSeriesId, limit]);
  }

  siteLegacy(siteId: number, from: number, to: number): Promise<RawSample[]> {
    return this.call('siteLegacy', [siteId, from, to]);
  }

  nextSiteWindow(siteId: number, from: number): Promise<number | null> {
    return this.call('nextSiteWindow', [siteId, from]);
  }

  maintain(now: number, policy: MaintainPolicy): Promise<MaintainStats> {
    return this.call('maintain', [now, policy]);
  }

  ping(): Promise<void> {
    return this.call('ping', []);
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
