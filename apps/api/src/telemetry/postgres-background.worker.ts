/**
 * Worker thread for PostgreSQL's background writes: rollup flushes and raw maintenance (compaction, upgrade moves,
 * retention), on a pool of its own. On PostgreSQL the batch writes themselves are a round trip or two of the
 * main thread; these two are CPU on the client side (parameter arrays of every merged bucket, chunk decoding,
 * merging and deflate), which left the main thread, that also parses and answers every request, saturated.
 */
import { workerData } from 'node:worker_threads';
import { Pool } from 'pg';
import { serveRequests } from '../common/worker-rpc';
import '../database/pg-int8';
import type { MaintainPolicy } from './raw-layout';
import { PostgresTelemetryStore } from './postgres-telemetry.store';
import type { RollupFlush } from './telemetry-store';

const pool = new Pool({
  connectionString: (workerData as { url: string }).url,
  // A flush and a maintenance pass at a time, each on its own connection.
  max: 2,
  connectionTimeoutMillis: 5000,
});
// An idle connection the server dropped (restart, outage) is an error event on the pool: the next query reconnects.
pool.on('error', () => undefined);
const store = new PostgresTelemetryStore(pool);

serveRequests(async (req) => {
  switch (req.op) {
    case 'flushRollups':
      return { result: await store.flushRollups(req.args[0] as RollupFlush) };
    case 'maintain':
      return { result: await store.maintain(req.args[0] as number, req.args[1] as MaintainPolicy) };
    case 'close':
      await pool.end();
      return { result: null };
    default:
      throw new Error(`unknown op ${req.op}`);
  }
});
