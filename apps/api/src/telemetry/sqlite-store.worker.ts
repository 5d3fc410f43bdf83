/**
 * Worker thread that owns the SQLite write connection of the hot path (samples, receipts, rollups), so the
 * B-tree work of a batch or a flush runs on the second core while the main thread parses and validates the
 * next request. Messages are handled in arrival order; flushes yield between chunks exactly as in-thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { applySqlitePragmas } from '../database/sqlite-pragmas';
import { SqliteTelemetryStore } from './sqlite-telemetry.store';
import type { BatchInput } from './telemetry-store';
import {
  unpackFlush,
  type PackedFlush,
  type WorkerRequest,
  type WorkerResponse,
} from './sqlite-worker.protocol';

const db = new Database((workerData as { path: string }).path);
applySqlitePragmas(db);
const store = new SqliteTelemetryStore(db);
const port = parentPort!;

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'writeBatch':
      return store.writeBatch(req.args[0] as BatchInput);
    case 'flushRollups':
      return store.flushRollups(unpackFlush(req.args[0] as PackedFlush));
    case 'close':
      db.close();
      return null;
    default: {
      const fn = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[req.op];
      if (typeof fn !== 'function') throw new Error(`unknown op ${req.op}`);
      return fn.apply(store, req.args);
    }
  }
}

port.on('message', (req: WorkerRequest) => {
  handle(req).then(
    (result) => {
      const transfer =
        result &&
        typeof result === 'object' &&
        'status' in result &&
        (result as { status: unknown }).status instanceof Uint8Array
          ? [(result as { status: Uint8Array }).status.buffer as ArrayBuffer]
          : [];
      port.postMessage({ id: req.id, result } satisfies WorkerResponse, transfer);
    },
    (err: unknown) => {
      const e = err as { message?: string; code?: string };
      port.postMessage({
        id: req.id,
        error: { message: e?.message ?? String(err), code: e?.code },
      } satisfies WorkerResponse);
    },
  );
});
