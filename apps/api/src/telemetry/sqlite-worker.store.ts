import type { Worker } from 'node:worker_threads';
import { startWorker } from '../platform/common/ts-worker';
import { MAIN_WRITE_GATE } from '../platform/database/sqlite-write-gate';
import type { RollupColumns } from './rollup-row';
import type { BatchRow, ChunkRow, MaintainPolicy, MaintainStats, RawSample } from './raw-layout';
import {
  packBatch,
  unpackBatchOutput,
  type PackedBatchOutput,
  flushTransfer,
  type WorkerRequest,
  type WorkerResponse,
} from './sqlite-worker.protocol';
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

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** The SQLite telemetry store, proxied to its worker thread. */
export class SqliteWorkerStore implements TelemetryStore {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly path: string) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    // Few short-lived objects per batch here (typed columns in, one row out): a small young generation.
    const worker = startWorker(
      __dirname,
      'sqlite-store.worker',
      { path: this.path, gate: MAIN_WRITE_GATE.buffer },
      { youngMb: 8, oldMb: 160 },
    );
    worker.on('message', (msg: WorkerResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ('error' in msg) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else p.resolve(msg.result);
    });
    const fail = (err: Error) => {
      // The worker is gone: fail what is in flight as a storage outage; the next call starts a new one.
      if (this.worker === worker) this.worker = undefined;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(
          Object.assign(new Error(`SQLite writer stopped: ${err.message}`), { code: 'SQLITE_WORKER' }),
        );
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit ${code}`)));
    this.worker = worker;
    return worker;
  }

  private call<T>(op: string, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, op, args } satisfies WorkerRequest, transfer);
    });
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

  /**
   * One message per slice, transferred. The next slice is drained on this thread while the writer merges the one
   * before: at most two slices exist at a time.
   */
  async flushRollupSlices(head: RollupFlushHead, slices: AsyncIterable<LevelFlush[]>): Promise<FlushStats> {
    const id = await this.call<number>('flushOpen', []);
    let sent: Promise<void> | undefined;
    try {
      for await (const levels of slices) {
        await sent;
        sent = this.call<void>('flushSlice', [id, levels], flushTransfer({ levels }));
        // Awaited at the next slice or the end; until then a failure must not count as unhandled.
        sent.catch(() => undefined);
      }
      await sent;
      return await this.call<FlushStats>('flushClose', [id, head]);
    } catch (err) {
      await sent?.catch(() => undefined);
      await this.call('flushAbort', [id]).catch(() => undefined);
      throw err;
    }
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

  readRollups(...range: RollupRange): Promise<RollupRow[]> {
    return this.call('readRollups', range);
  }

  readRollupColumns(...range: RollupRange): Promise<RollupColumns> {
    return this.call('readRollupColumns', range);
  }

  readRaw(seriesIds: number[], from: number, to: number): Promise<RawSample[]> {
    return this.call('readRaw', [seriesIds, from, to]);
  }

  siteBatches(page: SiteBatchesPage): Promise<BatchRow[]> {
    return this.call('siteBatches', [page]);
  }

  siteChunks(page: SiteChunksPage): Promise<ChunkRow[]> {
    return this.call('siteChunks', [page]);
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

  async close(): Promise<void> {
    if (!this.worker) return;
    await this.call('close', []).catch(() => undefined);
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
