import type { MetricKind } from '@dcfleet/contracts';
import type { Pool, PoolClient } from 'pg';
import { CopyIn, encodeSampleRows } from './pg-copy';
import { fromOrdered, single, type Agg } from './rollup-math';
import { AGG_COLS, rowToAgg, type AggRow } from './rollup-row';
import { SampleFloors } from './sample-floors';
import {
  SAMPLE_REPLACED,
  SAMPLE_UNCHANGED,
  type BatchInput,
  type BatchOutput,
  type BucketMerge,
  type BucketRef,
  type FlushStats,
  type PendingReceipt,
  type RollupFlush,
  type RollupRow,
  type RollupStep,
  type SeriesRow,
  type TelemetryStore,
  groupByRange,
  ingestResponseJson,
  nextChainLink,
  parentsOf,
} from './telemetry-store';

/**
 * A numeric array as a PostgreSQL array literal. pg's generic array serialisation escapes element by
 * element and cost more than the insert itself; numbers need no escaping and Number#toString round-trips.
 */
export function numArray(values: readonly number[]): string {
  return '{' + values.join(',') + '}';
}

/** Columnar parameters for UNNEST: one array per column (one round trip for any number of rows). */
function aggColumns(rows: readonly { seriesId: number; bucket: number; agg: Agg }[]): string[] {
  const n = rows.length;
  const cols: number[][] = Array.from({ length: 12 }, () => new Array<number>(n));
  for (let j = 0; j < n; j++) {
    const r = rows[j]!;
    const a = r.agg;
    cols[0]![j] = r.seriesId;
    cols[1]![j] = r.bucket;
    cols[2]![j] = a.count;
    cols[3]![j] = a.sum;
    cols[4]![j] = a.min;
    cols[5]![j] = a.max;
    cols[6]![j] = a.first;
    cols[7]![j] = a.firstTs;
    cols[8]![j] = a.last;
    cols[9]![j] = a.lastTs;
    cols[10]![j] = a.increase;
    cols[11]![j] = a.resets;
  }
  return cols.map(numArray);
}

/** Duplicate (ts, series_id): a COPY that only appended by this instance's knowledge met a stored sample. */
function isSampleConflict(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'pk_samples';
}

interface ChainRow {
  chain_seq: number;
  chain_head: string;
}

/**
 * Rollup merges per statement. Their 12 parameter arrays are built on the event loop (~4 µs per row): 20,000 rows
 * held ingest requests up for ~80 ms per statement; 5,000 keep it near 20 ms for a few more round trips.
 */
const MERGE_CHUNK = 5_000;

const COPY_SAMPLES =
  'COPY samples (ts, series_id, value, ingested_at, receipt_id) FROM STDIN (FORMAT binary)';

const UNNEST_AGG = `unnest($1::int[], $2::bigint[], $3::int[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
  $8::bigint[], $9::float8[], $10::bigint[], $11::float8[], $12::int[])`;

/**
 * PostgreSQL hot path: one transaction per batch. A batch that only appends (every sample newer than what this
 * instance knows stored for its series, the normal case for gateways) goes in with a binary COPY; any other
 * batch with `INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING`, and only when some rows already existed
 * do we look at them (last write wins). The per-site chain row is locked after the samples went in, for the
 * short tail of the transaction, so batches of one site serialise on the chain but not on the sample insert.
 */
export class PostgresTelemetryStore implements TelemetryStore {
  private readonly floors = new SampleFloors();
  /** How batches went in: binary COPY, checking insert, or COPY refused and retried with the insert. */
  readonly writes = { copy: 0, insert: 0, retried: 0 };

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
      try {
        return await this.writeTx(input, true);
      } catch (err) {
        if (!isSampleConflict(err)) throw err;
        // Another writer stored one of these samples first: relearn these series and check every row.
        this.floors.forget(input.seriesRefs);
        this.writes.retried++;
        return await this.writeTx(input, false);
      }
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
   * BEGIN, the receipt id and, for series this instance has not seen since it started, their newest stored
   * sample: one round trip (simple query protocol, so no parameters; ids are integers we produced). Every round
   * trip of an ingest waits for the event loop, which another request's JSON parsing may hold for tens of
   * milliseconds, so the write path keeps them few.
   */
  private async writeTx(input: BatchInput, mayCopy: boolean): Promise<BatchOutput> {
    const probe = this.floors.unknown(input.seriesRefs);
    // The newest stored sample of a series is in its newest 1-minute rollup, or in a batch of its site that no
    // flush has folded in yet (bounded by that batch's max_ts): both found through a key, unlike the samples.
    const begin =
      "BEGIN; SELECT nextval('receipts_id_seq')::int AS id" +
      (probe.length
        ? `; SELECT u.id, GREATEST(
               (SELECT r.last_ts FROM rollup_1m r WHERE r.series_id = u.id ORDER BY r.bucket DESC LIMIT 1),
               (SELECT max(p.max_ts) FROM receipts p WHERE NOT p.rolled_up AND p.site_id = ${input.siteId})) AS ts
             FROM unnest('{${probe.join(',')}}'::int[]) AS u(id)`
        : '');
    const out = await this.tx((c, begun) => {
      // int8 comes back as a number (the pg type parser set in data-source.ts).
      const results = begun as { rows: { id: number; ts?: number | null }[] }[];
      for (const r of results[2]?.rows ?? []) this.floors.learn(r.id, r.ts ?? null);
      return this.write(c, input, results[1]!.rows[0]!.id, mayCopy);
    }, begin);
    if (out.kind === 'stored') this.floors.record(out.seriesIds, input.ts);
    return out;
  }

  /**
   * After BEGIN: the sample write, which also locks the site's chain row; then the receipt insert with the chain
   * update, and COMMIT sent behind it without waiting. Three round trips for an appending batch.
   */
  private async write(
    c: PoolClient,
    input: BatchInput,
    receiptId: number,
    mayCopy: boolean,
  ): Promise<BatchOutput> {
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
    const copy = mayCopy && this.floors.appendsOnly(seriesIds, input.ts, fresh);
    const { status, chain } = copy
      ? await this.copySamples(c, input, seriesIds, receiptId)
      : await this.insertSamples(c, input, seriesIds, receiptId);
    const { seq, prevHash, hash } = nextChainLink(input, chain);
    const receipt = { id: receiptId, seq, hash, prevHash };
    const response = ingestResponseJson(input, receipt);
    // COMMIT is queued right behind the receipt, so pg sends it the moment the insert completes. If the insert
    // fails, PostgreSQL answers that COMMIT with a rollback and the insert's error is what we throw.
    await Promise.all([
      c.query(
        `WITH r AS (
           INSERT INTO receipts (id, site_id, seq, token_id, accepted, rejected, content_hash, prev_hash, hash, min_ts,
             max_ts, idempotency_key, response, rolled_up, received_at, instance_id)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,false,$14,$15)
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
        ],
      ),
      c.query('COMMIT'),
    ]);
    this.writes[copy ? 'copy' : 'insert']++;
    return { kind: 'stored', receipt, response, createdSeries, seriesIds, status };
  }

  /**
   * Appending batch: binary COPY, with the chain-row lock queued right behind it. A stored duplicate fails the
   * COPY (pk_samples), the transaction rolls back and writeBatch retries with `insertSamples`.
   */
  private async copySamples(
    c: PoolClient,
    input: BatchInput,
    seriesIds: number[],
    receiptId: number,
  ): Promise<{ status: Uint8Array; chain: ChainRow }> {
    const copy = c.query(
      new CopyIn(
        COPY_SAMPLES,
        encodeSampleRows(input.ts, seriesIds, input.values, input.receivedAt, receiptId),
      ),
    );
    const lock = c.query<ChainRow>('SELECT chain_seq, chain_head FROM sites WHERE id = $1 FOR UPDATE', [
      input.siteId,
    ]);
    // After a failed COPY the lock query fails too ("transaction is aborted"): the COPY's error is the one to report.
    const [copied, locked] = await Promise.allSettled([copy.done, lock]);
    if (copied.status === 'rejected') throw copied.reason;
    if (locked.status === 'rejected') throw locked.reason;
    const chain = locked.value.rows[0];
    if (!chain) throw new Error(`site ${input.siteId} vanished during ingest`);
    return { status: new Uint8Array(input.ts.length), chain };
  }

  /** Any batch: insert what is new, then compare what already existed (last write wins). */
  private async insertSamples(
    c: PoolClient,
    input: BatchInput,
    seriesIds: number[],
    receiptId: number,
  ): Promise<{ status: Uint8Array; chain: ChainRow }> {
    const n = input.ts.length;
    const now = input.receivedAt;
    // The insert and the chain row lock in one statement. The lock is taken after the rows went in, so batches
    // of one site still insert concurrently and serialise only on the short tail of the transaction.
    const { rows: insRows } = await c.query<ChainRow & { inserted: string }>(
      `WITH ins AS (
         INSERT INTO samples (ts, series_id, value, ingested_at, receipt_id)
         SELECT t, s, v, $4, $5 FROM unnest($1::bigint[], $2::int[], $3::float8[]) AS u(t, s, v)
         ON CONFLICT (ts, series_id) DO NOTHING
         RETURNING 1
       )
       SELECT (SELECT count(*) FROM ins) AS inserted, chain_seq, chain_head FROM sites WHERE id = $6 FOR UPDATE`,
      [numArray(input.ts), numArray(seriesIds), numArray(input.values), now, receiptId, input.siteId],
    );
    const chain = insRows[0];
    if (!chain) throw new Error(`site ${input.siteId} vanished during ingest`);
    const status = new Uint8Array(n);
    if (Number(chain.inserted) < n) {
      const { rows } = await c.query<{ i: number; value: number }>(
        `SELECT (u.i - 1)::int AS i, s.value FROM unnest($1::bigint[], $2::int[]) WITH ORDINALITY AS u(t, sid, i)
           JOIN samples s ON s.ts = u.t AND s.series_id = u.sid
          WHERE s.receipt_id <> $3`,
        [numArray(input.ts), numArray(seriesIds), receiptId],
      );
      const changed: number[] = [];
      for (const r of rows) {
        if (r.value === input.values[r.i]) status[r.i] = SAMPLE_UNCHANGED;
        else {
          status[r.i] = SAMPLE_REPLACED;
          changed.push(r.i);
        }
      }
      if (changed.length) {
        await c.query(
          `UPDATE samples s SET value = u.v, ingested_at = $4, receipt_id = $5
             FROM unnest($1::bigint[], $2::int[], $3::float8[]) AS u(t, sid, v)
            WHERE s.ts = u.t AND s.series_id = u.sid`,
          [
            numArray(changed.map((i) => input.ts[i]!)),
            numArray(changed.map((i) => seriesIds[i]!)),
            numArray(changed.map((i) => input.values[i]!)),
            now,
            receiptId,
          ],
        );
      }
    }
    return { status, chain };
  }

  async flushRollups(flush: RollupFlush): Promise<FlushStats> {
    return this.tx(async (c) => {
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
      for (const r of level.recompute) todo.set(`${r.seriesId}:${r.bucket}`, r);
      if (step !== '1m') for (const [k, r] of extra[step]) todo.set(k, r);
      const merges: BucketMerge[] = level.merges.filter((m) => !todo.has(`${m.seriesId}:${m.bucket}`));
      for (let i = 0; i < merges.length; i += MERGE_CHUNK) {
        const chunk = merges.slice(i, i + MERGE_CHUNK);
        // Only the refused rows come back (an anti-join on the server): returning every merged row cost the
        // event loop ~1 µs per row to parse, tens of thousands per flush, while ingest requests waited on it.
        const { rows } = await c.query<{ series_id: number; bucket: string }>(
          `WITH u AS (SELECT * FROM ${UNNEST_AGG} AS u(series_id, bucket, ${AGG_COLS})),
           merged AS (
           INSERT INTO rollup_${step} AS r (series_id, bucket, ${AGG_COLS}) SELECT * FROM u
           ON CONFLICT (series_id, bucket) DO UPDATE SET
             count = r.count + EXCLUDED.count,
             sum = r.sum + EXCLUDED.sum,
             min = LEAST(r.min, EXCLUDED.min),
             max = GREATEST(r.max, EXCLUDED.max),
             increase = r.increase + EXCLUDED.increase + CASE WHEN EXCLUDED.first_ts > r.last_ts
               THEN (CASE WHEN EXCLUDED.first >= r.last THEN EXCLUDED.first - r.last ELSE EXCLUDED.first END)
               ELSE (CASE WHEN r.first >= EXCLUDED.last THEN r.first - EXCLUDED.last ELSE r.first END) END,
             resets = r.resets + EXCLUDED.resets + (CASE WHEN EXCLUDED.first_ts > r.last_ts
               THEN (EXCLUDED.first < r.last) ELSE (r.first < EXCLUDED.last) END)::int,
             first = CASE WHEN EXCLUDED.first_ts < r.first_ts THEN EXCLUDED.first ELSE r.first END,
             first_ts = LEAST(r.first_ts, EXCLUDED.first_ts),
             last = CASE WHEN EXCLUDED.last_ts > r.last_ts THEN EXCLUDED.last ELSE r.last END,
             last_ts = GREATEST(r.last_ts, EXCLUDED.last_ts)
           WHERE EXCLUDED.first_ts > r.last_ts OR EXCLUDED.last_ts < r.first_ts
           RETURNING r.series_id, r.bucket)
           SELECT u.series_id, u.bucket FROM u LEFT JOIN merged m USING (series_id, bucket) WHERE m.series_id IS NULL`,
          aggColumns(chunk),
        );
        stats.merged[step] += chunk.length - rows.length;
        if (rows.length) {
          const refused = new Set(rows.map((r) => `${r.series_id}:${r.bucket}`));
          for (const m of chunk)
            if (refused.has(`${m.seriesId}:${m.bucket}`)) todo.set(`${m.seriesId}:${m.bucket}`, m);
        }
      }
      if (todo.size === 0) continue;
      const refs = [...todo.values()];
      const aggs = step === '1m' ? await this.fromRaw(c, refs) : await this.fromFiner(c, refs);
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
             last_ts = EXCLUDED.last_ts, increase = EXCLUDED.increase, resets = EXCLUDED.resets`,
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
   * Aggregates per bucket from raw samples, excluding batches other flushes have not folded in yet. Samples are
   * keyed (ts, series_id) only, so each distinct time range is read once through the key for all its series.
   */
  private async fromRaw(c: PoolClient, refs: BucketRef[]): Promise<(Agg | undefined)[]> {
    const groups = groupByRange(refs);
    const { rows } = await c.query<{ g: number; series_id: number; ts: number; value: number }>(
      `SELECT (g.i - 1)::int AS g, s.series_id, s.ts, s.value
         FROM unnest($1::bigint[], $2::bigint[], $3::text[]) WITH ORDINALITY AS g(b, e, ids, i)
         CROSS JOIN LATERAL (
           SELECT x.series_id, x.ts, x.value FROM samples x
            WHERE x.ts >= g.b AND x.ts < g.e AND x.series_id = ANY(g.ids::int[])
              AND x.receipt_id NOT IN (SELECT id FROM receipts WHERE NOT rolled_up)
         ) s
        ORDER BY g.i, s.series_id, s.ts`,
      [
        numArray(groups.map((g) => g.bucket)),
        numArray(groups.map((g) => g.end)),
        groups.map((g) => numArray([...g.index.keys()])),
      ],
    );
    return this.group(
      refs.length,
      rows.map((r) => ({ i: groups[r.g]!.index.get(r.series_id)!, agg: single(r.ts, r.value) })),
    );
  }

  private async fromFiner(c: PoolClient, refs: BucketRef[]): Promise<(Agg | undefined)[]> {
    const { rows } = await c.query<AggRow & { i: number }>(
      `SELECT (u.i - 1)::int AS i, ${AGG_COLS.split(', ')
        .map((col) => 'm.' + col)
        .join(', ')}
         FROM unnest($1::int[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS u(sid, b, e, i)
         JOIN rollup_1m m ON m.series_id = u.sid AND m.bucket >= u.b AND m.bucket < u.e
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
    for (const r of receipts) {
      if (r.minTs === null || r.maxTs === null) continue;
      const { rows } = await this.pool.query<{ series_id: number; bucket: number }>(
        'SELECT DISTINCT series_id, ts - (ts % 60000) AS bucket FROM samples WHERE ts >= $1 AND ts <= $2 AND receipt_id = $3',
        [r.minTs, r.maxTs, r.id],
      );
      for (const row of rows) out.push({ seriesId: row.series_id, bucket: Number(row.bucket) });
    }
    return out;
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

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
