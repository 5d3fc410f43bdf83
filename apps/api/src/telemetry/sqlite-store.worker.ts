/**
 * Worker thread that owns the SQLite write connection of the hot path (samples, receipts, rollups), so the
 * B-tree work of a batch or a flush runs on the second core while the main thread parses and validates the
 * next request. Messages are handled in arrival order; flushes yield between chunks exactly as in-thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { onYield } from '../platform/common/yield-loop';
import { applySqlitePragmas } from '../platform/database/sqlite-pragmas';
import { SqliteWriteGate } from '../platform/database/sqlite-write-gate';
import { SqliteTelemetryStore } from './sqlite-telemetry.store';
import { rollupColumnsTransfer } from './rollup-row';
import type { RollupRange } from './telemetry-store';
import {
  packBatchOutput,
  unpackBatch,
  type PackedBatch,
  type WorkerRequest,
  type WorkerResponse,
} from './sqlite-worker.protocol';

const data = workerData as { path: string; gate: SharedArrayBuffer };
const db = new Database(data.path);
applySqlitePragmas(db);
// Before each message's transaction and between a long job's slices, writes of the main connection go first
// (sqlite-write-gate.ts); at most a second each time, so ingest never stops behind a stuck count.
const gate = new SqliteWriteGate(data.gate);
const GIVE_WAY_MS = 1_000;
onYield(() => gate.giveWay(GIVE_WAY_MS));
const store = new SqliteTelemetryStore(db);
const port = parentPort!;

async function handle(req: WorkerRequest): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  gate.giveWay(GIVE_WAY_MS);
  switch (req.op) {
    case 'writeBatch': {
      const { packed, transfer } = packBatchOutput(
        await store.writeBatch(unpackBatch(req.args[0] as PackedBatch)),
      );
      return { result: packed, transfer };
    }
    case 'readRollupColumns': {
      const [step, ids, from, to] = req.args as RollupRange;
      const columns = await store.readRollupColumns(step, ids, from, to);
      return { result: columns, transfer: rollupColumnsTransfer(columns) };
    }
    case 'close':
      db.close();
      return { result: null, transfer: [] };
    default: {
      const fn = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[req.op];
      if (typeof fn !== 'function') throw new Error(`unknown op ${req.op}`);
      return { result: await fn.apply(store, req.args), transfer: [] };
    }
  }
}

port.on('message', (req: WorkerRequest) => {
  handle(req).then(
    ({ result, transfer }) => port.postMessage({ id: req.id, result } satisfies WorkerResponse, transfer),
    (err: unknown) => {
      const e = err as { message?: string; code?: string };
      port.postMessage({
        id: req.id,
        error: { message: e?.message ?? String(err), code: e?.code },
      } satisfies WorkerResponse);
    },
  );
});
