import type { Pool, PoolClient } from 'pg';
import { BATCH_COLS, BucketIndex, batchRow, resolveRaw, type BatchDbRow } from './raw-layout';
import { fromOrdered, single, type Agg } from './rollup-math';
import { AGG_COLS, mergeOnConflict, rowToAgg, type AggRow } from './rollup-row';
import { PgBinaryArray, type PgArrayElement } from './pg-binary-array';
import { inTransaction, numArray } from './postgres-sql';
import type { PostgresRawReads } from './postgres-raw-reads';
import { addParents, emptyFlushStats, recomputeSource, type RecomputeSource } from './rollup-flush-plan';
import {
  PACKED_MERGE,
  PACKED_REF,
  refAt,
  type BucketRef,
  type FlushStats,
  type LevelFlush,
  type RollupFlush,
  type RollupFlushHead,
  type RollupStep,
} from './telemetry-store';

/** Element types of the 13 UNNEST_AGG columns (series_id, bucket, then AGG_COLS), as UNNEST_AGG casts them. */
const AGG_TYPES: readonly PgArrayElement[] = [
  'int4', // series_id
  'int8', // bucket
  'int4', // count
  'float8', // sum
  'float8', // min
  'float8', // max
  'float8', // first
  'int8', // first_ts
  'float8', // last
  'int8', // last_ts
  'float8', // increase
  'int4', // resets
  'float8', // glitch_drop
];

/** Columnar parameters for UNNEST: one binary array per column (one round trip for any number of rows). */
function aggColumns(rows: readonly { seriesId: number; bucket: number; agg: Agg }[]): Buffer[] {
  const cols = AGG_TYPES.map((t) => new PgBinaryArray(t, rows.length));
  for (const r of rows) {
    const a = r.agg;
    const row = [r.seriesId, r.bucket, a.count, a.sum, a.min, a.max, a.first, a.firstTs, a.last, a.lastTs];
    for (let k = 0; k < row.length; k++) cols[k]!.push(row[k]!);
    cols[10]!.push(a.increase);
    cols[11]!.push(a.resets);
    cols[12]!.push(a.glitchDrop);
  }
  return cols.map((c) => c.done());
}

/** The same 13 columns from packed merge rows (PACKED_MERGE layout) at the given offsets. */
function packedAggColumns(a: Float64Array, offsets: readonly number[]): Buffer[] {
  const cols = AGG_TYPES.map((t) => new PgBinaryArray(t, offsets.length));
  for (const o of offsets) {
    cols[0]!.push(a[o]!);
    cols[1]!.push(a[o + 1]!);
    for (let k = 0; k < 11; k++) cols[2 + k]!.push(a[o + PACKED_REF + k]!);
  }
  return cols.map((c) => c.done());
}

/**
 * Rollup merges per statement. Their 13 parameter arrays are built on the event loop (~4 µs per row): 20,000 rows
 * held ingest requests up for ~80 ms per statement; 5,000 keep it near 20 ms for a few more round trips.
 */
const MERGE_CHUNK = 5_000;
/** Transaction advisory lock: one rollup flush at a time across instances. */
const FLUSH_LOCK = 0x6463_726c; // 'dcrl'

const UNNEST_AGG = `unnest($1::int[], $2::bigint[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
  $8::bigint[], $9::float8[], $10::bigint[], $11::float8[], $12::int[], $13::float8[])`;

const MERGE_ON_CONFLICT = mergeOnConflict({
  excluded: 'EXCLUDED',
  least: 'LEAST',
  greatest: 'GREATEST',
  asInt: (test) => `(${test})::int`,
});

async function* oneSlice(levels: LevelFlush[]): AsyncGenerator<LevelFlush[]> {
  yield levels;
}

/** Per bucket (index into the refs), its time-ordered parts combined; undefined where it has none. */
function groupAggs(n: number, rows: { i: number; agg: Agg }[]): (Agg | undefined)[] {
  const parts: Agg[][] = Array.from({ length: n }, () => []);
  for (const r of rows) parts[r.i]!.push(r.agg);
  return parts.map((p) => fromOrdered(p));
}

/**
 * The rollup flush of PostgresTelemetryStore: one transaction per flush, under a lock all instances share. Merges
 * go in as binary UNNEST arrays; buckets whose merge is refused, and those a flush asks for, are recomputed.
 */
export class PostgresRollupFlush {
  constructor(
    private readonly pool: Pool,
    private readonly raw: PostgresRawReads,
  ) {}

  flushRollups(flush: RollupFlush): Promise<FlushStats> {
    return this.flushRollupSlices(flush, oneSlice(flush.levels));
  }

  /** One transaction for the whole flush, its slices written as they arrive (TelemetryStore.flushRollupSlices). */
  async flushRollupSlices(head: RollupFlushHead, slices: AsyncIterable<LevelFlush[]>): Promise<FlushStats> {
    return inTransaction(this.pool, async (c) => {
      // Flushes of all instances take turns. A recomputation leaves out batches another instance has not folded in
      // yet; under READ COMMITTED, one running beside that instance's flush read them as pending, then overwrote
      // the buckets that flush had just written (merged or recomputed with them): a lost update that nothing
      // repaired (test/multi-instance.spec.ts). Ingest never waits on this lock.
      await c.query('SELECT pg_advisory_xact_lock($1)', [FLUSH_LOCK]);
      if (head.receiptIds.length) {
        await c.query('UPDATE receipts SET rolled_up = true WHERE id = ANY($1::int[])', [head.receiptIds]);
      }
      const stats = emptyFlushStats();
      for await (const levels of slices) await this.slice(c, levels, head.minutesFrom, stats);
      await c.query('COMMIT');
      return stats;
    });
  }

  /**
   * One slice, level by level: merges, then the buckets to recompute — its refs, the merges refused, and for hours
   * and days the parents of the minutes recomputed just before. A slice holds whole series, so every parent of its
   * minutes is in it and is recomputed after them.
   */
  private async slice(
    c: PoolClient,
    levels: readonly LevelFlush[],
    minutesFrom: number,
    stats: FlushStats,
  ): Promise<void> {
    const extra: Record<'1h' | '1d', Map<string, BucketRef>> = { '1h': new Map(), '1d': new Map() };
    for (const level of levels) {
      const step = level.step;
      const todo = new Map<string, BucketRef>();
      for (let o = 0; o < level.recompute.length; o += PACKED_REF) {
        const r = refAt(level.recompute, o);
        todo.set(`${r.seriesId}:${r.bucket}`, r);
      }
      if (step !== '1m') for (const [k, r] of extra[step]) todo.set(k, r);
      const rows = level.merges;
      const offsets: number[] = [];
      for (let o = 0; o < rows.length; o += PACKED_MERGE)
        if (!todo.size || !todo.has(`${rows[o]}:${rows[o + 1]}`)) offsets.push(o);
      for (let i = 0; i < offsets.length; i += MERGE_CHUNK) {
        const chunk = offsets.slice(i, i + MERGE_CHUNK);
        // Only the refused rows come back (an anti-join on the server): returning every merged row cost the
        // event loop ~1 µs per row to parse, tens of thousands per flush, while ingest requests waited on it.
        const { rows: refusedRows } = await c.query<{ series_id: number; bucket: string }>(
          `WITH u AS (SELECT * FROM ${UNNEST_AGG} AS u(series_id, bucket, ${AGG_COLS})),
           merged AS (
           INSERT INTO rollup_${step} AS r (series_id, bucket, ${AGG_COLS}) SELECT * FROM u
           ${MERGE_ON_CONFLICT}
           RETURNING r.series_id, r.bucket)
           SELECT u.series_id, u.bucket FROM u LEFT JOIN merged m USING (series_id, bucket) WHERE m.series_id IS NULL`,
          packedAggColumns(rows, chunk),
        );
        stats.merged[step] += chunk.length - refusedRows.length;
        if (refusedRows.length) {
          const refused = new Set(refusedRows.map((r) => `${r.series_id}:${r.bucket}`));
          for (const o of chunk) {
            const key = `${rows[o]}:${rows[o + 1]}`;
            if (refused.has(key)) todo.set(key, refAt(rows, o));
          }
        }
      }
      if (todo.size === 0) continue;
      const refs = [...todo.values()];
      const aggs = await this.recomputed(c, step, refs, minutesFrom);
      const keep: { seriesId: number; bucket: number; agg: Agg }[] = [];
      const drop: BucketRef[] = [];
      refs.forEach((r, i) =>
        aggs[i] ? keep.push({ seriesId: r.seriesId, bucket: r.bucket, agg: aggs[i]! }) : drop.push(r),
      );
      if (keep.length) {
        await c.query(
          `INSERT INTO rollup_${step} AS r (series_id, bucket, ${AGG_COLS}) SELECT * FROM ${UNNEST_AGG}
           ON CONFLICT (series_id, bucket) DO UPDATE SET count = EXCLUDED.count, sum = EXCLUDED.sum, min = EXCLUDED.min,
             max = EXCLUDED.max, first = EXCLUDED.first, first_ts = EXCLUDED.first_ts, last = EXCLUDED.last,
             last_ts = EXCLUDED.last_ts, increase = EXCLUDED.increase, resets = EXCLUDED.resets,
             glitch_drop = EXCLUDED.glitch_drop`,
          aggColumns(keep),
        );
      }
      if (drop.length) {
        await c.query(
          `DELETE FROM rollup_${step} r USING unnest($1::int[], $2::bigint[]) AS u(sid, b) WHERE r.series_id = u.sid AND r.bucket = u.b`,
          [drop.map((d) => d.seriesId), drop.map((d) => d.bucket)],
        );
      }
      stats.recomputed[step] += refs.length;
      if (step === '1m') {
        for (const r of refs) addParents(extra, r);
      }
    }
  }

  /** Recomputed buckets of one step, each from its source (recomputeSource), one statement per source. */
  private async recomputed(
    c: PoolClient,
    step: RollupStep,
    refs: BucketRef[],
    minutesFrom: number,
  ): Promise<(Agg | undefined)[]> {
    const out: (Agg | undefined)[] = new Array(refs.length);
    const parts: Record<RecomputeSource, number[]> = {
      raw: [],
      rollup_1h: [],
      rollup_1m: [],
    };
    refs.forEach((r, i) => parts[recomputeSource(step, r, minutesFrom)].push(i));
    for (const [source, idx] of Object.entries(parts)) {
      if (idx.length === 0) continue;
      const sub = idx.map((i) => refs[i]!);
      const aggs = source === 'raw' ? await this.fromRaw(c, sub) : await this.finerRows(c, source, sub);
      idx.forEach((i, j) => (out[i] = aggs[j]));
    }
    return out;
  }

  /**
   * Buckets from raw samples: their chunks, and the batches overlapping them that a flush has folded in (batches
   * still pending are folded in by their own flush, or repaired by recovery).
   */
  private async fromRaw(c: PoolClient, refs: BucketRef[]): Promise<(Agg | undefined)[]> {
    const index = new BucketIndex(refs);
    const legacy = await this.raw.legacyIn(c, index.lo, index.hi, index.seriesIds);
    const { rows } = await c.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches b WHERE b.max_ts >= $1 AND b.min_ts < $2
          AND EXISTS (SELECT 1 FROM receipts r WHERE r.id = b.receipt_id AND r.rolled_up)`,
      [index.lo, index.hi],
    );
    const chunks = await this.raw.chunksAt(c, index.chunkKeys);
    const samples = resolveRaw((sid, ts) => index.find(sid, ts) >= 0, chunks, rows.map(batchRow), legacy);
    return groupAggs(
      refs.length,
      samples.map((x) => ({ i: index.find(x.seriesId, x.ts), agg: single(x.ts, x.value) })),
    );
  }

  private async finerRows(c: PoolClient, table: string, refs: BucketRef[]): Promise<(Agg | undefined)[]> {
    const { rows } = await c.query<AggRow & { i: number }>(
      `SELECT (u.i - 1)::int AS i, ${AGG_COLS.split(', ')
        .map((col) => 'm.' + col)
        .join(', ')}
         FROM unnest($1::int[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS u(sid, b, e, i)
         JOIN ${table} m ON m.series_id = u.sid AND m.bucket >= u.b AND m.bucket < u.e
        ORDER BY u.i, m.bucket`,
      [
        numArray(refs.map((r) => r.seriesId)),
        numArray(refs.map((r) => r.bucket)),
        numArray(refs.map((r) => r.end)),
      ],
    );
    return groupAggs(
      refs.length,
      rows.map((r) => ({ i: r.i, agg: rowToAgg(r) })),
    );
  }
}
