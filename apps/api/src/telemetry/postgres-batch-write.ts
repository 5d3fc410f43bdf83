import type { MetricKind } from '@dcfleet/contracts';
import type { Pool, PoolClient } from 'pg';
import { freshSeriesIds, receiptColumns, resolveSeriesIds, suspectPoints } from './batch-samples';
import { encodeBatchPayload } from './raw-codec';
import { inTransaction } from './postgres-sql';
import type { PostgresRawReads } from './postgres-raw-reads';
import { SampleFloors } from './sample-floors';
import {
  type BatchInput,
  type BatchOutput,
  type SeriesRow,
  ingestResponseJson,
  nextChainLink,
  sampleStatus,
  suspectSamples,
} from './telemetry-store';

interface ChainRow {
  chain_seq: number;
  chain_head: string;
}

/** The ingest transaction of PostgresTelemetryStore (see there): one batch, its receipt and its site's chain. */
export class PostgresBatchWriter {
  private readonly floors = new SampleFloors();
  /** How batches went in: plain appends, or with a look at stored samples first. */
  readonly writes = { append: 0, checked: 0 };

  constructor(
    private readonly pool: Pool,
    private readonly raw: PostgresRawReads,
  ) {}

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
    const out = await inTransaction(
      this.pool,
      (c, begun) => {
        // int8 comes back as a number (the pg type parser set in data-source.ts).
        const results = begun as { rows: { id: number; ts?: number | null }[] }[];
        for (const r of results[2]?.rows ?? []) this.floors.learn(r.id, r.ts ?? null);
        return this.write(c, input, results[1]!.rows[0]!.id);
      },
      begin,
    );
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
    const seriesIds = resolveSeriesIds(input.seriesRefs, createdSeries, n);
    const fresh = freshSeriesIds(createdSeries);
    const suspects = suspectSamples(this.floors, seriesIds, input.ts, fresh);
    const stored = suspects.length
      ? await this.raw.storedAt(c, input.siteId, suspectPoints(suspects, seriesIds, input.ts))
      : [];
    const status = sampleStatus(suspects, seriesIds, input.ts, input.values, stored);
    const payload = encodeBatchPayload(seriesIds, input.ts, input.values);
    const { rows: chainRows } = await c.query<ChainRow>(
      'SELECT chain_seq, chain_head FROM sites WHERE id = $1 FOR NO KEY UPDATE',
      [input.siteId],
    );
    const chain = chainRows[0];
    if (!chain) throw new Error(`site ${input.siteId} vanished during ingest`);
    const link = nextChainLink(input, chain);
    const { seq, prevHash, hash } = link;
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
        [receiptId, ...receiptColumns(input, link), response, input.receivedAt, input.instanceId, n, payload],
      ),
      c.query('COMMIT'),
    ]);
    this.writes[suspects.length ? 'checked' : 'append']++;
    return { kind: 'stored', receipt, response, createdSeries, seriesIds, status };
  }
}
