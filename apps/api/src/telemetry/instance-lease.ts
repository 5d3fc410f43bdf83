import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../platform/config/app-config';

/**
 * Tells live API instances from dead ones, so batches a crashed instance committed but never folded into the
 * rollups can be repaired at once — without touching a live peer's batches that are merely waiting for its
 * next flush. On PostgreSQL every instance holds a session-level advisory lock named after its id on a
 * dedicated connection for its whole life: if another instance can take that lock, its owner is gone.
 * SQLite has a single writer process, so every other id is dead.
 */
@Injectable()
export class InstanceLease {
  readonly id = randomUUID();
  private readonly logger = new Logger('InstanceLease');
  private client: Client | undefined;
  private stopped = false;
  /** Times the lease was re-established after its connection died. */
  reconnects = 0;

  constructor(private readonly config: AppConfig) {}

  private static key(id: string): string {
    // 63-bit signed key for pg_advisory_lock(bigint), from the instance id.
    return BigInt.asIntN(
      64,
      BigInt(
        '0x' +
          createHash('sha256')
            .update('dcfleet-instance:' + id)
            .digest('hex')
            .slice(0, 16),
      ),
    ).toString();
  }

  async start(): Promise<void> {
    if (this.config.database.type !== 'postgres') return;
    this.stopped = false;
    await this.connect();
  }

  /**
   * Takes the lease on a dedicated connection. When that connection dies (database restart, outage, a terminated
   * backend) the lock is gone with it: reconnect with backoff until it is held again. Meanwhile `isDead` answers
   * false for everyone (no repair of a peer's batches without knowing), and peers may repair this instance's
   * pending batches — harmless: a flush merges only into buckets whose time range its partials do not overlap, so
   * a bucket recomputed with those samples is recomputed again rather than counted twice.
   */
  private async connect(): Promise<void> {
    const db = this.config.database;
    if (db.type !== 'postgres') return;
    const client = new Client({
      connectionString: db.url,
      application_name: `dcfleet-lease-${this.id.slice(0, 8)}`,
    });
    let lost = false;
    const onLost = (why: string) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      if (this.stopped) return;
      this.logger.warn(`lease connection lost (${why}); re-establishing`);
      this.reconnectLater(1000);
    };
    client.on('error', (err) => onLost(err.message));
    client.on('end', () => onLost('closed'));
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock($1::bigint)', [InstanceLease.key(this.id)]);
    } catch (err) {
      lost = true; // the caller retries; this attempt's connection must not trigger another
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
  }

  private reconnectLater(delayMs: number): void {
    const timer = setTimeout(() => {
      if (this.stopped) return;
      this.connect().then(
        () => {
          this.reconnects++;
          this.logger.log('lease re-established');
        },
        (err: Error) => {
          this.logger.warn(`lease not re-established yet: ${err.message}`);
          this.reconnectLater(Math.min(30_000, delayMs * 2));
        },
      );
    }, delayMs);
    timer.unref();
  }

  /** Whether this instance holds its lease now (false while re-establishing it after a lost connection). */
  get held(): boolean {
    return this.config.database.type !== 'postgres' || this.client !== undefined;
  }

  /** True when the instance that wrote these batches is certainly no longer running. */
  async isDead(instanceId: string): Promise<boolean> {
    if (instanceId === this.id) return false;
    if (this.config.database.type !== 'postgres') return true;
    if (!this.client) return false;
    const key = InstanceLease.key(instanceId);
    const { rows } = await this.client.query<{ got: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS got',
      [key],
    );
    if (rows[0]?.got) {
      await this.client.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      return true;
    }
    return false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
