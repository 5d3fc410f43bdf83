import type { Pool, PoolClient } from 'pg';
import {
  BATCH_COLS,
  COMPACT_SITES_SQL,
  emptyMaintainStats,
  groupLegacyRows,
  mergedChunkPayload,
  siteHorizon,
  windowOf,
  type BatchDbRow,
  type ChunkGroup,
  type CompactSiteRow,
  type MaintainPolicy,
  type MaintainStats,
  type RetentionPolicy,
} from './raw-layout';
import {
  countCompaction,
  planSiteCompaction,
  takeForPass,
  type CompactableBatch,
} from './raw-compaction-pass';
import { inHeldTransaction, numArray } from './postgres-sql';
import { PgBinaryArray, pgByteaArray } from './pg-binary-array';
import type { PostgresRawReads } from './postgres-raw-reads';

/** Chunk rewrites per compaction transaction. */
const COMPACT_SLICE = 1_000;
/** Level-0 samples one compaction pass takes on, per site. */
const COMPACT_SAMPLES = 120_000;
/** Rows one retention or upgrade statement removes or moves. */
const EXPIRE_SLICE = 5_000;
/** Day partitions created ahead of time. */
const PARTITION_DAYS_AHEAD = 3;
const DAY_MS = 86_400_000;
/** Session advisory lock: one instance at a time compacts, moves and expires raw data. */
const MAINTAIN_LOCK = 0x6463_7277; // 'dcrw'

function dayName(dayStart: number): string {
  return new Date(dayStart).toISOString().slice(0, 10).replace(/-/g, '');
}

/** Raw upkeep of PostgresTelemetryStore: day partitions, compaction into chunks, the upgrade's move, retention. */
export class PostgresRawMaintenance {
  constructor(
    private readonly pool: Pool,
    private readonly raw: PostgresRawReads,
  ) {}

  /**
   * Background upkeep, a bounded amount per call, by one instance at a time (session advisory lock): day
   * partitions ahead, compaction of closed windows, the upgrade's move of old sample rows, and retention by
   * dropping day partitions.
   */
  async maintain(now: number, policy: MaintainPolicy): Promise<MaintainStats> {
    const stats = emptyMaintainStats();
    const c = await this.pool.connect();
    try {
      const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
        MAINTAIN_LOCK,
      ]);
      if (!rows[0]?.ok) return stats;
      try {
        await this.ensurePartitions(c, now);
        const { rows: sites } = await c.query<CompactSiteRow>(COMPACT_SITES_SQL);
        for (const site of sites) {
          await this.compactSite(
            c,
            site.site_id,
            siteHorizon(site.newest, site.received, now, policy.quietMs),
            stats,
          );
        }
        if (this.raw.legacy) await this.moveLegacy(c, stats);
        await this.expire(c, policy, stats);
      } finally {
        await c.query('SELECT pg_advisory_unlock($1)', [MAINTAIN_LOCK]);
      }
    } finally {
      c.release();
    }
    return stats;
  }

  private async ensurePartitions(c: PoolClient, now: number): Promise<void> {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    for (let d = today; d <= today + PARTITION_DAYS_AHEAD * DAY_MS; d += DAY_MS) {
      for (const t of ['raw_chunks', 'rollup_1m']) {
        const name = `${t}_p${dayName(d)}`;
        const { rows } = await c.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [name]);
        if (rows[0]?.t) continue;
        try {
          await c.query(
            `CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF "${t}" FOR VALUES FROM (${d}) TO (${d + DAY_MS})` +
              (t === 'rollup_1m' ? ' WITH (fillfactor = 70)' : ''),
          );
        } catch (err) {
          // Rows for that day already sit in the default partition (written while no partition existed): they
          // stay there and retention deletes them from it; the day goes on without its own partition.
          if ((err as { code?: string }).code !== '23514' && (err as { code?: string }).code !== '42P07')
            throw err;
        }
      }
    }
  }

  private async compactSite(
    c: PoolClient,
    siteId: number,
    horizon: number,
    stats: MaintainStats,
  ): Promise<void> {
    const { rows: compactable } = await c.query<CompactableBatch>(
      `SELECT b.receipt_id, b.samples
         FROM raw_batches b JOIN receipts r ON r.id = b.receipt_id
        WHERE b.site_id = $1 AND b.min_ts < $2 AND b.done_below < $2 AND r.rolled_up
        ORDER BY b.min_ts`,
      [siteId, horizon],
    );
    if (compactable.length === 0) return;
    const { rows } = await c.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches WHERE receipt_id = ANY($1::int[]) ORDER BY min_ts`,
      [numArray(takeForPass(compactable, COMPACT_SAMPLES, stats))],
    );
    const plan = planSiteCompaction(rows, horizon);
    const groups = plan.groups;
    for (let i = 0; i < groups.length; i += COMPACT_SLICE) {
      // A crash between slices leaves the batches in place: compacting them again merges the same samples with
      // the same sequence, which changes nothing.
      await this.putChunks(c, groups.slice(i, i + COMPACT_SLICE));
      stats.chunksWritten += Math.min(COMPACT_SLICE, groups.length - i);
    }
    await inHeldTransaction(c, async () => {
      if (plan.drop.length)
        await c.query('DELETE FROM raw_batches WHERE receipt_id = ANY($1::int[])', [numArray(plan.drop)]);
      if (plan.advance.length)
        await c.query('UPDATE raw_batches SET done_below = $2 WHERE receipt_id = ANY($1::int[])', [
          numArray(plan.advance),
          horizon,
        ]);
    });
    countCompaction(stats, plan);
  }

  /** Merges samples into their chunks (read, merge, replace) in one transaction. */
  private async putChunks(c: PoolClient, groups: readonly ChunkGroup[]): Promise<void> {
    await inHeldTransaction(c, async () => {
      const stored = await this.raw.chunksAt(c, groups);
      const byKey = new Map(stored.map((k) => [`${k.windowStart}:${k.seriesId}`, k.payload]));
      const n = groups.length;
      const cols = {
        w: new PgBinaryArray('int8', n),
        s: new PgBinaryArray('int4', n),
        n: new PgBinaryArray('int4', n),
        lo: new PgBinaryArray('int8', n),
        hi: new PgBinaryArray('int8', n),
      };
      const payloads: Buffer[] = [];
      for (const g of groups) {
        const m = mergedChunkPayload(byKey.get(`${g.windowStart}:${g.seriesId}`), g.samples);
        cols.w.push(g.windowStart);
        cols.s.push(g.seriesId);
        cols.n.push(m.n);
        cols.lo.push(m.minTs);
        cols.hi.push(m.maxTs);
        payloads.push(m.payload);
      }
      // Binary arrays: as text, pg sent each payload as a quoted hex string built on the event loop.
      await c.query(
        `INSERT INTO raw_chunks (window_start, series_id, samples, min_ts, max_ts, payload)
         SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::bigint[], $5::bigint[], $6::bytea[])
         ON CONFLICT (window_start, series_id) DO UPDATE SET samples = EXCLUDED.samples, min_ts = EXCLUDED.min_ts,
           max_ts = EXCLUDED.max_ts, payload = EXCLUDED.payload`,
        [cols.w.done(), cols.s.done(), cols.n.done(), cols.lo.done(), cols.hi.done(), pgByteaArray(payloads)],
      );
    });
  }

  /** Upgrade: rows of the one-row-per-sample table into chunks, oldest first; the emptied table stays. */
  private async moveLegacy(c: PoolClient, stats: MaintainStats): Promise<void> {
    const limit = EXPIRE_SLICE * 4;
    const { rows } = await c.query<{ ts: number; series_id: number; value: number }>(
      `SELECT ts, series_id, value FROM samples_legacy ORDER BY ts, series_id LIMIT ${limit}`,
    );
    if (rows.length === 0) {
      this.raw.legacy = false;
      return;
    }
    const { groups, last } = groupLegacyRows(rows);
    await this.putChunks(c, groups);
    await c.query('DELETE FROM samples_legacy WHERE ts < $1 OR (ts = $1 AND series_id <= $2)', [
      last.ts,
      last.seriesId,
    ]);
    stats.legacyRowsMoved += rows.length;
    stats.more = true;
  }

  private async expire(c: PoolClient, retention: RetentionPolicy, stats: MaintainStats): Promise<void> {
    for (const [table, col, before] of [
      ['raw_chunks', 'window_start', retention.rawBefore ? windowOf(retention.rawBefore) : 0],
      ['rollup_1m', 'bucket', retention.rollup1mBefore],
    ] as const) {
      if (!before) continue;
      const { rows } = await c.query<{ name: string }>(
        `SELECT k.relname AS name FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid
           JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = $1`,
        [table],
      );
      for (const { name } of rows) {
        const m = /_p(\d{4})(\d{2})(\d{2})$/.exec(name);
        if (!m) continue;
        const end = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + DAY_MS;
        if (end > before) continue;
        const { rows: count } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`);
        await c.query(`DROP TABLE "${name}"`);
        if (table === 'raw_chunks') stats.rawRowsExpired += count[0]?.n ?? 0;
        else stats.rollup1mRowsExpired += count[0]?.n ?? 0;
      }
      // Data older than every partition (late backfills) sits in the default partition: deleted in slices.
      for (;;) {
        const r = await c.query(
          `DELETE FROM "${table}_default" WHERE ctid IN (SELECT ctid FROM "${table}_default" WHERE ${col} < $1 LIMIT ${EXPIRE_SLICE})`,
          [before],
        );
        const n = r.rowCount ?? 0;
        if (table === 'raw_chunks') stats.rawRowsExpired += n;
        else stats.rollup1mRowsExpired += n;
        if (n < EXPIRE_SLICE) break;
      }
    }
  }
}
