import type { Pool, PoolClient } from 'pg';

/** What every part of the PostgreSQL telemetry store uses: parameter encoding, the transaction, error codes. */

/**
 * A numeric array as a PostgreSQL array literal. pg's generic array serialisation escapes element by
 * element and cost more than the insert itself; numbers need no escaping and Number#toString round-trips.
 */
export function numArray(values: readonly number[]): string {
  return '{' + values.join(',') + '}';
}

export function isMissingRelation(err: unknown): boolean {
  return (err as { code?: string })?.code === '42P01';
}

/**
 * One transaction on a connection the caller already holds (raw upkeep keeps one under its session lock): BEGIN,
 * `fn`, COMMIT; ROLLBACK when any of it fails.
 */
export async function inHeldTransaction(c: PoolClient, fn: () => Promise<void>): Promise<void> {
  await c.query('BEGIN');
  try {
    await fn();
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** One transaction: BEGIN (plus `begin`'s statements in the same round trip), `fn`, which must COMMIT. */
export async function inTransaction<T>(
  pool: Pool,
  fn: (c: PoolClient, begun: unknown) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client, await client.query(begin));
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
