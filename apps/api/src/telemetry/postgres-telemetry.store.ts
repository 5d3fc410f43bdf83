import type { MetricKind } from '@dcfleet/contracts';
import type { Pool, PoolClient } from 'pg';
import { encodeBatchPayload } from './raw-codec';
import {
  BATCH_COLS,
  BucketIndex,
  RAW_WINDOW_MS,
  batchRow,
  chunkRow,
  groupLegacyRows,
  pointLookup,
  type BatchDbRow,
  type ChunkGroup,
  type BatchRow,
  emptyMaintainStats,
  forEachBatchSample,
  mergedChunkPayload,
  planCompaction,
  resolveRaw,
  siteHorizon,
  windowOf,
  type ChunkDbRow,
  type ChunkRow,
  type MaintainStats,
  type RawSample,
  COMPACT_SITES_SQL,
  type CompactSiteRow,
  type MaintainPolicy,
  type RetentionPolicy,
} from './raw-layout';
import { REPLACEMENT_MAX_RATIO, fromOrdered, single, type Agg } from './rollup-math';
import { AGG_COLS, CHART_COLS, rollupColumns, rowToAgg, type AggRow, type RollupColumns } from './rollup-row';
import { PgBinaryArray, type PgArrayElement } from './pg-binary-array';
import { SampleFloors } from './sample-floors';
import {
  type BatchInput,
  type BatchOutput,
  PACKED_MERGE,
  PACKED_REF,
  refAt,
  type BucketRef,
  type FlushStats,
  type PendingReceipt,
  type RollupFlush,
  type RollupRow,
  type RollupStep,
  type SeriesRow,
  type TelemetryStore,
  ingestResponseJson,
  nextChainLink,
  parentsOf,
  sampleStatus,
  suspectSamples,
} from './telemetry-store';

/**
 * A numeric array as a PostgreSQL array literal. pg's generic array serialisation escapes element by
 * element and cost more than the insert itself; numbers need no escaping and Number#toString round-trips.
 */
export function numArray(values: readonly number[]): string {
  return '{' + values.join(',') + '}';
}

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

interface ChainRow {
  chain_seq: number;
  chain_head: string;
}

/**
 * Rollup merges per statement. Their 13 parameter arrays are built on the event loop (~4 µs per row): 20,000 rows
 * held ingest requests up for ~80 ms per statement; 5,000 keep it near 20 ms for a few more round trips.
 */
const MERGE_CHUNK = 5_000;
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
/** Transaction advisory lock: one rollup flush at a time across instances. */
const FLUSH_LOCK = 0x6463_726c; // 'dcrl'

const UNNEST_AGG = `unnest($1::int[], $2::bigint[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
  $8::bigint[], $9::float8[], $10::bigint[], $11::float8[], $12::int[], $13::float8[])`;

function dayName(dayStart: number): string {
  return new Date(dayStart).toISOString().slice(0, 10).replace(/-/g, '');
}

function isMissingRelation(err: unknown): boolean {
  return (err as { code?: string })?.code === '42P01';
}

/**
 * PostgreSQL hot path: one transaction per batch, which writes one `raw_batches` row (the samples in one payload,
 * see raw-layout.ts), the receipt and the site's chain. Samples that are not plain appends by this instance's
 * knowledge (SampleFloors) are compared with what is stored first (last write wins). The chain row is locked for
 * the short tail of the transaction only, so batches of one site serialise on the chain but not on the rest.
 */
export class PostgresTelemetryStore implements TelemetryStore {
  private readonly floors = new SampleFloors();
  /** How batches went in: plain appends, or with a look at stored samples first. */
  readonly writes = { append: 0, checked: 0 };
  /** The pre-chunk sample table may still exist (an upgraded database); learnt false once it is gone. */
  private legacy = true;

  constructor(private readonly pool: Pool) {}

  async loadSeries(): Promise<SeriesRow[]> {
    const { rows } = await this.pool.query<{
      id: number;
      site_id: number;
      metric: string;
      labels: string;
      kind: string;
    }>('SELECT id, site_id, metric, labels, kind FROM series');
    return rows.map((r) => ({
      id: r.id,
      siteId: r.site_id,
      metric: r.metric,
      labels: r.labels,
      kind: r.kind as MetricKind,
    }));
  }

  /** One transaction: BEGIN (plus `begin`'s statements in the same round trip), `fn`, which must COMMIT. */
  private async tx<T>(fn: (c: PoolClient, begun: unknown) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await fn(client, await client.query(begin));
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async writeBatch(input: BatchInput): Promise<BatchOutput> {
    try {
      return await this.writeTx(input);
    } catch (err) {
      // Two concurrent retries with one Idempotency-Key: the loser answers with the winner's receipt.
      if (input.idempotencyKey && (err as { constraint?: string }).constraint === 'uq_receipts_site_idem') {
        const { rows } = await this.pool.query<{ response: string }>(
          'SELECT response FROM receipts WHERE site_id = $1 AND idempotency_key = $2',
          [input.siteId, input.idempotencyKey],
        );
        if (rows[0]) return { kind: 'replay', response: rows[0].response };
      }
      throw err;
    }
  }

  /**
   * BEGIN, the receipt id and, for series this instance has not seen since it started, an upper bound of their
   * newest stored sample: one round trip (simple query protocol, so no parameters; ids are integers we produced).
   */
  private async writeTx(input: BatchInput): Promise<BatchOutput> {
    const probe = this.floors.unknown(input.seriesRefs);
    // The newest stored sample of a series is in its newest hour bucket, or in a batch of its site that no flush
    // has folded in yet (bounded by that batch's max_ts): both found through a key.
    const begin =
      "BEGIN; SELECT nextval('receipts_id_seq')::int AS id" +
      (probe.length
        ? `; SELECT u.id, GREATEST(
               (SELECT r.last_ts FROM rollup_1h r WHERE r.series_id = u.id ORDER BY r.bucket DESC LIMIT 1),
               (SELECT max(p.max_ts) FROM receipts p WHERE NOT p.rolled_up AND p.site_id = ${input.siteId})) AS ts
             FROM unnest('{${probe.join(',')}}'::int[]) AS u(id)`
        : '');
    const out = await this.tx((c, begun) => {
      // int8 comes back as a number (the pg type parser set in data-source.ts).
      const results = begun as { rows: { id: number; ts?: number | null }[] }[];
      for (const r of results[2]?.rows ?? []) this.floors.learn(r.id, r.ts ?? null);
      return this.write(c, input, results[1]!.rows[0]!.id);
    }, begin);
    if (out.kind === 'stored') this.floors.record(out.seriesIds, input.ts);
    return out;
  }

  private async write(c: PoolClient, input: BatchInput, receiptId: number): Promise<BatchOutput> {
    if (input.idempotencyKey) {
      const { rows } = await c.query<{ response: string }>(
        'SELECT response FROM receipts WHERE site_id = $1 AND idempotency_key = $2',
        [input.siteId, input.idempotencyKey],
      );
      if (rows[0]) {
        await c.query('COMMIT');
        return { kind: 'replay', response: rows[0].response };
      }
    }
    const createdSeries: SeriesRow[] = [];
    if (input.newSeries.length) {
      const metrics = input.newSeries.map((s) => s.metric);
      const labels = input.newSeries.map((s) => s.labelKey);
      const kinds = input.newSeries.map((s) => s.kind);
      type Row = { id: number; metric: string; labels: string; kind: string };
      const { rows } = await c.query<Row>(
        `INSERT INTO series (site_id, metric, labels, kind, created_at)
         SELECT $1, m, l, k, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS u(m, l, k)
         ON CONFLICT (site_id, metric, labels) DO NOTHING
         RETURNING id, metric, labels, kind`,
        [input.siteId, metrics, labels, kinds, input.receivedAt],
      );
      // Series another writer created meanwhile were skipped by the insert: only those are read back.
      if (rows.length < input.newSeries.length) {
        const { rows: existing } = await c.query<Row>(
          `SELECT s.id, s.metric, s.labels, s.kind FROM series s
            JOIN unnest($2::text[], $3::text[]) AS u(m, l) ON s.metric = u.m AND s.labels = u.l
           WHERE s.site_id = $1`,
          [input.siteId, metrics, labels],
        );
        rows.push(...existing);
      }
      const byKey = new Map(rows.map((r) => [`${r.metric}\u0000${r.labels}`, r]));
      for (const ns of input.newSeries) {
        const r = byKey.get(`${ns.metric}\u0000${ns.labelKey}`)!;
        createdSeries.push({
          id: r.id,
          siteId: input.siteId,
          metric: r.metric,
          labels: r.labels,
          kind: r.kind as MetricKind,
        });
      }
    }
    const n = input.ts.length;
    const seriesIds = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const ref = input.seriesRefs[i]!;
      seriesIds[i] = ref >= 0 ? ref : createdSeries[-ref - 1]!.id;
    }
    const fresh = new Set(createdSeries.map((s) => s.id));
    const suspects = suspectSamples(this.floors, seriesIds, input.ts, fresh);
    const stored = suspects.length
      ? await this.storedAt(
          c,
          input.siteId,
          suspects.map((i) => ({ seriesId: seriesIds[i]!, ts: input.ts[i]! })),
        )
      : [];
    const status = sampleStatus(suspects, seriesIds, input.ts, input.values, stored);
    const payload = encodeBatchPayload(seriesIds, input.ts, input.values);
    const { rows: chainRows } = await c.query<ChainRow>(
      'SELECT chain_seq, chain_head FROM sites WHERE id = $1 FOR NO KEY UPDATE',
      [input.siteId],
    );
    const chain = chainRows[0];
    if (!chain) throw new Error(`site ${input.siteId} vanished during ingest`);
    const { seq, prevHash, hash } = nextChainLink(input, chain);
    const receipt = { id: receiptId, seq, hash, prevHash };
    const response = ingestResponseJson(input, receipt);
    // COMMIT is queued right behind the writes, so pg sends it the moment they complete. If they fail,
    // PostgreSQL answers that COMMIT with a rollback and the insert's error is what we throw.
    await Promise.all([
      c.query(
        `WITH r AS (
           INSERT INTO receipts (id, site_id, seq, token_id, accepted, rejected, content_hash, prev_hash, hash, min_ts,
             max_ts, idempotency_key, response, rolled_up, received_at, instance_id)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,false,$14,$15)
         ), b AS (
           INSERT INTO raw_batches (receipt_id, site_id, seq, min_ts, max_ts, done_below, samples, payload)
           SELECT $1, $2, $3, $10, $11, 0, $16, $17 WHERE $16 > 0
         )
         UPDATE sites SET chain_seq = $3, chain_head = $9 WHERE id = $2`,
        [
          receiptId,
          input.siteId,
          seq,
          input.tokenId,
          input.accepted,
          input.rejected,
          input.contentHash,
          prevHash,
          hash,
          input.minTs,
          input.maxTs,
          input.idempotencyKey,
          response,
          input.receivedAt,
          input.instanceId,
          n,
          payload,
        ],
      ),
      c.query('COMMIT'),
    ]);
    this.writes[suspects.length ? 'checked' : 'append']++;
    return { kind: 'stored', receipt, response, createdSeries, seriesIds, status };
  }

  /**
   * Stored samples at these (series, ts) of one site, last write resolved. Read in the order the compactor and
   * the upgrade move data (legacy rows, then batches, then chunks), so a sample moved between two of these
   * statements is seen at least once.
   */
  private async storedAt(
    c: PoolClient,
    siteId: number,
    at: { seriesId: number; ts: number }[],
  ): Promise<RawSample[]> {
    const q = pointLookup(at);
    const legacy = await this.legacyIn(c, q.lo, q.hi + 1, q.seriesIds);
    const { rows } = await c.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches WHERE site_id = $1 AND min_ts <= $2 AND max_ts >= $3`,
      [siteId, q.hi, q.lo],
    );
    const chunks = await this.chunksAt(c, q.chunkKeys);
    return resolveRaw(q.want, chunks, rows.map(batchRow), legacy);
  }

  private async chunksAt(
    c: PoolClient | Pool,
    pairs: readonly { windowStart: number; seriesId: number }[],
  ): Promise<ChunkRow[]> {
    if (pairs.length === 0) return [];
    const { rows } = await c.query<ChunkDbRow>(
      `SELECT k.window_start, k.series_id, k.payload FROM raw_chunks k
         JOIN unnest($1::bigint[], $2::int[]) AS u(w, s) ON k.window_start = u.w AND k.series_id = u.s`,
      [numArray(pairs.map((p) => p.windowStart)), numArray(pairs.map((p) => p.seriesId))],
    );
    return rows.map(chunkRow);
  }

  private async legacyIn(
    c: PoolClient | Pool,
    from: number,
    to: number,
    seriesIds: number[],
  ): Promise<RawSample[]> {
    if (!this.legacy) return [];
    try {
      const { rows } = await c.query<{ series_id: number; ts: number; value: number }>(
        'SELECT series_id, ts, value FROM samples_legacy WHERE ts >= $1 AND ts < $2 AND series_id = ANY($3::int[])',
        [from, to, numArray(seriesIds)],
      );
      return rows.map((r) => ({ seriesId: r.series_id, ts: r.ts, value: r.value, seq: 0 }));
    } catch (err) {
      // Only a database whose upgrade table was removed by hand gets here: the table is emptied, never dropped,
      // so no other instance's statement can fail on it mid-transaction.
      if (!isMissingRelation(err)) throw err;
      this.legacy = false;
      throw err;
    }
  }

  async flushRollups(flush: RollupFlush): Promise<FlushStats> {
    return this.tx(async (c) => {
      // Flushes of all instances take turns. A recomputation leaves out batches another instance has not folded in
      // yet; under READ COMMITTED, one running beside that instance's flush read them as pending, then overwrote
      // the buckets that flush had just written (merged or recomputed with them): a lost update that nothing
      // repaired (test/multi-instance.spec.ts). Ingest never waits on this lock.
      await c.query('SELECT pg_advisory_xact_lock($1)', [FLUSH_LOCK]);
      const stats = await this.flush(c, flush);
      await c.query('COMMIT');
      return stats;
    });
  }

  private async flush(c: PoolClient, flush: RollupFlush): Promise<FlushStats> {
    if (flush.receiptIds.length) {
      await c.query('UPDATE receipts SET rolled_up = true WHERE id = ANY($1::int[])', [flush.receiptIds]);
    }
    const stats: FlushStats = {
      merged: { '1m': 0, '1h': 0, '1d': 0 },
      recomputed: { '1m': 0, '1h': 0, '1d': 0 },
    };
    const extra: Record<'1h' | '1d', Map<string, BucketRef>> = { '1h': new Map(), '1d': new Map() };
    for (const level of flush.levels) {
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
           ON CONFLICT (series_id, bucket) DO UPDATE SET
             count = r.count + EXCLUDED.count,
             sum = r.sum + EXCLUDED.sum,
             min = LEAST(r.min, EXCLUDED.min),
             max = GREATEST(r.max, EXCLUDED.max),
             increase = r.increase + EXCLUDED.increase + CASE WHEN EXCLUDED.first_ts > r.last_ts
               THEN (CASE WHEN EXCLUDED.first < r.last AND EXCLUDED.first <= r.last * ${REPLACEMENT_MAX_RATIO}
                 THEN EXCLUDED.first ELSE EXCLUDED.first - r.last END)
               ELSE (CASE WHEN r.first < EXCLUDED.last AND r.first <= EXCLUDED.last * ${REPLACEMENT_MAX_RATIO}
                 THEN r.first ELSE r.first - EXCLUDED.last END) END,
             resets = r.resets + EXCLUDED.resets + (CASE WHEN EXCLUDED.first_ts > r.last_ts
               THEN (EXCLUDED.first < r.last AND EXCLUDED.first <= r.last * ${REPLACEMENT_MAX_RATIO})
               ELSE (r.first < EXCLUDED.last AND r.first <= EXCLUDED.last * ${REPLACEMENT_MAX_RATIO}) END)::int,
             glitch_drop = r.glitch_drop + EXCLUDED.glitch_drop + CASE WHEN EXCLUDED.first_ts > r.last_ts
               THEN (CASE WHEN EXCLUDED.first < r.last AND EXCLUDED.first > r.last * ${REPLACEMENT_MAX_RATIO}
                 THEN r.last - EXCLUDED.first ELSE 0 END)
               ELSE (CASE WHEN r.first < EXCLUDED.last AND r.first > EXCLUDED.last * ${REPLACEMENT_MAX_RATIO}
                 THEN EXCLUDED.last - r.first ELSE 0 END) END,
             first = CASE WHEN EXCLUDED.first_ts < r.first_ts THEN EXCLUDED.first ELSE r.first END,
             first_ts = LEAST(r.first_ts, EXCLUDED.first_ts),
             last = CASE WHEN EXCLUDED.last_ts > r.last_ts THEN EXCLUDED.last ELSE r.last END,
             last_ts = GREATEST(r.last_ts, EXCLUDED.last_ts)
           WHERE EXCLUDED.first_ts > r.last_ts OR EXCLUDED.last_ts < r.first_ts
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
      const aggs = await this.recomputed(c, step, refs, flush.minutesFrom);
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
        for (const r of refs) {
          const p = parentsOf(r);
          extra['1h'].set(`${p.hour.seriesId}:${p.hour.bucket}`, p.hour);
          extra['1d'].set(`${p.day.seriesId}:${p.day.bucket}`, p.day);
        }
      }
    }
    return stats;
  }

  /**
   * Recomputed buckets of one step: minutes from raw samples; hours from minutes; days from hours when the day is
   * whole hours (every zone but a few), else from minutes. Hours and days whose minutes retention may have removed
   * come from raw samples too.
   */
  private async recomputed(
    c: PoolClient,
    step: RollupStep,
    refs: BucketRef[],
    minutesFrom: number,
  ): Promise<(Agg | undefined)[]> {
    const out: (Agg | undefined)[] = new Array(refs.length);
    const parts: Record<'raw' | 'rollup_1h' | 'rollup_1m', number[]> = {
      raw: [],
      rollup_1h: [],
      rollup_1m: [],
    };
    refs.forEach((r, i) => {
      if (step === '1m') parts.raw.push(i);
      else if (step === '1d' && r.bucket % RAW_WINDOW_MS === 0 && r.end % RAW_WINDOW_MS === 0)
        parts.rollup_1h.push(i);
      else if (r.bucket < minutesFrom) parts.raw.push(i);
      else parts.rollup_1m.push(i);
    });
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
    const legacy = await this.legacyIn(c, index.lo, index.hi, index.seriesIds);
    const { rows } = await c.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches b WHERE b.max_ts >= $1 AND b.min_ts < $2
          AND EXISTS (SELECT 1 FROM receipts r WHERE r.id = b.receipt_id AND r.rolled_up)`,
      [index.lo, index.hi],
    );
    const chunks = await this.chunksAt(c, index.chunkKeys);
    const samples = resolveRaw((sid, ts) => index.find(sid, ts) >= 0, chunks, rows.map(batchRow), legacy);
    return this.group(
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
    return this.group(
      refs.length,
      rows.map((r) => ({ i: r.i, agg: rowToAgg(r) })),
    );
  }

  private group(n: number, rows: { i: number; agg: Agg }[]): (Agg | undefined)[] {
    const parts: Agg[][] = Array.from({ length: n }, () => []);
    for (const r of rows) parts[r.i]!.push(r.agg);
    return parts.map((p) => fromOrdered(p));
  }

  async pendingReceipts(afterId: number, limit: number): Promise<PendingReceipt[]> {
    const { rows } = await this.pool.query<{
      id: number;
      instance_id: string | null;
      site_id: number;
      min_ts: number | null;
      max_ts: number | null;
      received_at: number;
    }>(
      'SELECT id, instance_id, site_id, min_ts, max_ts, received_at FROM receipts WHERE NOT rolled_up AND id > $1 ORDER BY id LIMIT $2',
      [afterId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      instanceId: r.instance_id,
      siteId: r.site_id,
      minTs: r.min_ts,
      maxTs: r.max_ts,
      receivedAt: r.received_at,
    }));
  }

  async minuteBucketsOfReceipts(receipts: PendingReceipt[]): Promise<{ seriesId: number; bucket: number }[]> {
    const out: { seriesId: number; bucket: number }[] = [];
    const seen = new Set<string>();
    const add = (seriesId: number, ts: number) => {
      const bucket = ts - (ts % 60_000);
      const key = `${seriesId}:${bucket}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ seriesId, bucket });
      }
    };
    if (receipts.length === 0) return out;
    const { rows } = await this.pool.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches WHERE receipt_id = ANY($1::int[])`,
      [numArray(receipts.map((r) => r.id))],
    );
    for (const row of rows) forEachBatchSample(batchRow(row), (x) => add(x.seriesId, x.ts));
    if (this.legacy) {
      for (const r of receipts) {
        if (r.minTs === null || r.maxTs === null) continue;
        const { rows: old } = await this.pool.query<{ series_id: number; ts: number }>(
          'SELECT series_id, ts FROM samples_legacy WHERE ts >= $1 AND ts <= $2 AND receipt_id = $3',
          [r.minTs, r.maxTs, r.id],
        );
        for (const x of old) add(x.series_id, x.ts);
      }
    }
    return out;
  }

  async readRaw(seriesIds: number[], from: number, to: number): Promise<RawSample[]> {
    const ids = new Set(seriesIds);
    const legacy = await this.legacyIn(this.pool, from, to, seriesIds);
    const { rows } = await this.pool.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches WHERE max_ts >= $1 AND min_ts < $2`,
      [from, to],
    );
    const { rows: chunkRows } = await this.pool.query<ChunkDbRow>(
      `SELECT window_start, series_id, payload FROM raw_chunks
        WHERE window_start >= $1 AND window_start < $2 AND series_id = ANY($3::int[])`,
      [windowOf(from), to, numArray(seriesIds)],
    );
    const chunks = chunkRows.map(chunkRow);
    return resolveRaw((sid, ts) => ids.has(sid) && ts >= from && ts < to, chunks, rows.map(batchRow), legacy);
  }

  /** Deep receipt check: the site's level-0 rows with min_ts < before, after a (min_ts, receipt_id) key. */
  async siteBatches(
    siteId: number,
    afterMinTs: number,
    afterReceiptId: number,
    before: number,
    limit: number,
  ): Promise<BatchRow[]> {
    const { rows } = await this.pool.query<BatchDbRow>(
      `SELECT ${BATCH_COLS} FROM raw_batches
        WHERE site_id = $1 AND min_ts < $2 AND (min_ts > $3 OR (min_ts = $3 AND receipt_id > $4))
        ORDER BY min_ts, receipt_id LIMIT $5`,
      [siteId, before, afterMinTs, afterReceiptId, limit],
    );
    return rows.map(batchRow);
  }

  /** Deep receipt check: the site's chunks of one window after a series id, in series order. */
  async siteChunks(
    siteId: number,
    windowStart: number,
    afterSeriesId: number,
    limit: number,
  ): Promise<ChunkRow[]> {
    const { rows } = await this.pool.query<ChunkDbRow>(
      `SELECT window_start, series_id, payload FROM raw_chunks
        WHERE window_start = $1 AND series_id > $2 AND series_id IN (SELECT id FROM series WHERE site_id = $3)
        ORDER BY series_id LIMIT $4`,
      [windowStart, afterSeriesId, siteId, limit],
    );
    return rows.map(chunkRow);
  }

  /** Deep receipt check: the upgrade's rows of the site in [from, to), at their receipt's seq (0 if unknown). */
  async siteLegacy(siteId: number, from: number, to: number): Promise<RawSample[]> {
    if (!this.legacy) return [];
    try {
      const { rows } = await this.pool.query<{ series_id: number; ts: number; value: number; seq: number }>(
        `SELECT l.series_id, l.ts, l.value, COALESCE(r.seq, 0) AS seq FROM samples_legacy l
           LEFT JOIN receipts r ON r.id = l.receipt_id
          WHERE l.ts >= $1 AND l.ts < $2 AND l.series_id IN (SELECT id FROM series WHERE site_id = $3)`,
        [from, to, siteId],
      );
      return rows.map((r) => ({ seriesId: r.series_id, ts: r.ts, value: r.value, seq: Number(r.seq) }));
    } catch (err) {
      if (!isMissingRelation(err)) throw err;
      return [];
    }
  }

  /** Deep receipt check: the first window ≥ from with a chunk, a level-0 row's start or a legacy row of the site. */
  async nextSiteWindow(siteId: number, from: number): Promise<number | null> {
    const { rows } = await this.pool.query<{ t: number | null }>(
      `SELECT LEAST(
         (SELECT window_start FROM raw_chunks
           WHERE window_start >= $1 AND series_id IN (SELECT id FROM series WHERE site_id = $2)
           ORDER BY window_start LIMIT 1),
         (SELECT MIN(min_ts) FROM raw_batches WHERE site_id = $2 AND min_ts >= $1)) AS t`,
      [from, siteId],
    );
    let t = rows[0]?.t ?? null;
    const legacy = await this.siteLegacyNext(siteId, from);
    if (legacy !== null && (t === null || legacy < t)) t = legacy;
    return t === null ? null : windowOf(Number(t));
  }

  private async siteLegacyNext(siteId: number, from: number): Promise<number | null> {
    if (!this.legacy) return null;
    try {
      const { rows } = await this.pool.query<{ t: number | null }>(
        `SELECT MIN(ts) AS t FROM samples_legacy
          WHERE ts >= $1 AND series_id IN (SELECT id FROM series WHERE site_id = $2)`,
        [from, siteId],
      );
      return rows[0]?.t ?? null;
    } catch (err) {
      if (!isMissingRelation(err)) throw err;
      return null;
    }
  }

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
        if (this.legacy) await this.moveLegacy(c, stats);
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
    const { rows } = await c.query<BatchDbRow & { samples: number }>(
      `SELECT b.receipt_id, b.site_id, b.seq, b.min_ts, b.max_ts, b.done_below, b.samples, b.payload
         FROM raw_batches b JOIN receipts r ON r.id = b.receipt_id
        WHERE b.site_id = $1 AND b.min_ts < $2 AND b.done_below < $2 AND r.rolled_up
        ORDER BY b.min_ts`,
      [siteId, horizon],
    );
    if (rows.length === 0) return;
    const take: BatchRow[] = [];
    let samples = 0;
    for (const r of rows) {
      take.push(batchRow(r));
      samples += r.samples;
      if (samples >= COMPACT_SAMPLES) {
        stats.more = true;
        break;
      }
    }
    const plan = planCompaction(take, horizon);
    const groups = plan.groups;
    for (let i = 0; i < groups.length; i += COMPACT_SLICE) {
      // A crash between slices leaves the batches in place: compacting them again merges the same samples with
      // the same sequence, which changes nothing.
      await this.putChunks(c, groups.slice(i, i + COMPACT_SLICE));
      stats.chunksWritten += Math.min(COMPACT_SLICE, groups.length - i);
    }
    await c.query('BEGIN');
    try {
      if (plan.drop.length)
        await c.query('DELETE FROM raw_batches WHERE receipt_id = ANY($1::int[])', [numArray(plan.drop)]);
      if (plan.advance.length)
        await c.query('UPDATE raw_batches SET done_below = $2 WHERE receipt_id = ANY($1::int[])', [
          numArray(plan.advance),
          horizon,
        ]);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    stats.batchesCompacted += plan.drop.length;
    stats.samplesCompacted += plan.samples;
  }

  /** Merges samples into their chunks (read, merge, replace) in one transaction. */
  private async putChunks(c: PoolClient, groups: readonly ChunkGroup[]): Promise<void> {
    await c.query('BEGIN');
    try {
      const stored = await this.chunksAt(c, groups);
      const byKey = new Map(stored.map((k) => [`${k.windowStart}:${k.seriesId}`, k.payload]));
      const cols = {
        w: [] as number[],
        s: [] as number[],
        n: [] as number[],
        lo: [] as number[],
        hi: [] as number[],
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
      await c.query(
        `INSERT INTO raw_chunks (window_start, series_id, samples, min_ts, max_ts, payload)
         SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::bigint[], $5::bigint[], $6::bytea[])
         ON CONFLICT (window_start, series_id) DO UPDATE SET samples = EXCLUDED.samples, min_ts = EXCLUDED.min_ts,
           max_ts = EXCLUDED.max_ts, payload = EXCLUDED.payload`,
        [
          numArray(cols.w),
          numArray(cols.s),
          numArray(cols.n),
          numArray(cols.lo),
          numArray(cols.hi),
          payloads,
        ],
      );
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** Upgrade: rows of the one-row-per-sample table into chunks, oldest first; the emptied table stays. */
  private async moveLegacy(c: PoolClient, stats: MaintainStats): Promise<void> {
    const limit = EXPIRE_SLICE * 4;
    const { rows } = await c.query<{ ts: number; series_id: number; value: number }>(
      `SELECT ts, series_id, value FROM samples_legacy ORDER BY ts, series_id LIMIT ${limit}`,
    );
    if (rows.length === 0) {
      this.legacy = false;
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

  async oldestPendingReceivedAt(): Promise<number | null> {
    const { rows } = await this.pool.query<{ t: number | null }>(
      'SELECT MIN(received_at) AS t FROM receipts WHERE NOT rolled_up',
    );
    return rows[0]?.t ?? null;
  }

  async readRollups(step: RollupStep, seriesIds: number[], from: number, to: number): Promise<RollupRow[]> {
    if (seriesIds.length === 0) return [];
    const { rows } = await this.pool.query<AggRow & { series_id: number; bucket: number }>(
      `SELECT series_id, bucket, ${AGG_COLS} FROM rollup_${step}
        WHERE series_id = ANY($1::int[]) AND bucket >= $2 AND bucket < $3 ORDER BY series_id, bucket`,
      [seriesIds, from, to],
    );
    return rows.map((r) => ({ seriesId: r.series_id, bucket: r.bucket, ...rowToAgg(r) }));
  }

  async readRollupColumns(
    step: RollupStep,
    seriesIds: number[],
    from: number,
    to: number,
  ): Promise<RollupColumns> {
    if (seriesIds.length === 0) return rollupColumns([]);
    const { rows } = await this.pool.query<(number | string)[]>({
      text: `SELECT ${CHART_COLS} FROM rollup_${step}
        WHERE series_id = ANY($1::int[]) AND bucket >= $2 AND bucket < $3 ORDER BY series_id, bucket`,
      values: [seriesIds, from, to],
      rowMode: 'array',
    });
    return rollupColumns(rows);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
