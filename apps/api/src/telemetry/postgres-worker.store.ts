import type { Pool } from 'pg';
import { WorkerClient } from '../common/worker-rpc';
import { PostgresTelemetryStore } from './postgres-telemetry.store';
import type { MaintainPolicy, MaintainStats } from './raw-layout';
import { flushTransfer, type FlushStats, type RollupFlush } from './telemetry-store';

/**
 * The PostgreSQL telemetry store with its background writes — rollup flushes and raw maintenance — on a worker
 * thread with a pool of its own (postgres-background.worker.ts); batches and reads stay on the main thread's pool.
 * Both kinds of work were already separate transactions on their own connections, so nothing about what they see
 * or lock changes.
 */
export class PostgresWorkerStore extends PostgresTelemetryStore {
  private readonly background: WorkerClient;

  constructor(pool: Pool, url: string) {
    super(pool);
    this.background = new WorkerClient({
      dir: __dirname,
      name: 'postgres-background.worker',
      data: { url },
      limits: { youngMb: 16, oldMb: 128 },
      what: 'PostgreSQL background writer',
      code: 'PG_WORKER',
    });
  }

  override flushRollups(flush: RollupFlush): Promise<FlushStats> {
    return this.background.call('flushRollups', [flush], flushTransfer(flush));
  }

  override maintain(now: number, policy: MaintainPolicy): Promise<MaintainStats> {
    return this.background.call('maintain', [now, policy]);
  }

  close(): Promise<void> {
    return this.background.close();
  }
}
