import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';

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
    const db = this.config.database;
    if (db.type !== 'postgres') return;
    const client = new Client({
      connectionString: db.url,
      application_name: `dcfleet-lease-${this.id.slice(0, 8)}`,
    });
    client.on('error', (err) => this.logger.warn(`lease connection lost: ${err.message}`));
    await client.connect();
    await client.query('SELECT pg_advisory_lock($1::bigint)', [InstanceLease.key(this.id)]);
    this.client = client;
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
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
