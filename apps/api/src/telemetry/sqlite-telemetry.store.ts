import type BetterSqlite3 from 'better-sqlite3';
import type { MetricKind } from '@dcfleet/contracts';
import { fromOrdered, single, type Agg } from './rollup-math';
import { AGG_COLS, rowToAgg, type AggRow, aggParams } from './rollup-row';
import {
  SAMPLE_NEW,
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
  ingestResponseJson,
  nextChainLink,
  groupByRange,
  parentsOf,
} from './telemetry-store';

type Stmt = BetterSqlite3.Statement;

const CHUNK = 200;
const MERGE_CHUNK = 4000; // rollup upserts per transaction before the event loop gets a turn // rows per multi-row INSERT: fewer JS↔C crossings, well under SQLite's variable limit

/**
 * SQLite hot path: one synchronous transaction per batch with prepared statements (better-sqlite3 is
 * synchronous, so nothing else runs on the event loop while a batch commits — no interleaving to guard).
 */
export class SqliteTelemetryStore implements TelemetryStore {
  private readonly insertChunk: Stmt;
  private readonly insertOne: Stmt;
  private readonly s: Record<string, Stmt>;
  private readonly merge: Record<RollupStep, Stmt>;
  private readonly overwrite: Record<RollupStep, Stmt>;
  private readonly deleteBucket: Record<RollupStep, Stmt>;
  private readonly finerRows: Record<'1h' | '1d', Stmt>;
  private readonly writeTx: BetterSqlite3.Transaction<(input: BatchInput) => BatchOutput>;
  private readonly mergeTx: (step: RollupStep, chunk: BucketMerge[]) => BucketMerge[];
  private readonly finalTx: (
    receiptIds: number[],
    todo: Record<RollupStep, Map<string, BucketRef>>,
    stats: FlushStats,
  ) => void;

  constructor(private readonly db: BetterSqlite3.Database) {
    const values = Array.from({ length: CHUNK }, () => '(?,?,?,?,?)').join(',');
    this.insertChunk = db.prepare(
      `INSERT OR IGNORE INTO samples (ts, series_id, value, ingested_at, receipt_id) VALUES ${values}`,
    );
    this.insertOne = db.prepare(
      'INSERT OR IGNORE INTO samples (ts, series_id, value, ingested_at, receipt_id) VALUES (?,?,?,?,?)',
    );
    this.s = {
      idem: db.prepare('SELECT response FROM receipts WHERE site_id = ? AND idempotency_key = ?'),
      chain: db.prepare('SELECT chain_seq, chain_head FROM sites WHERE id = ?'),
      setChain: db.prepare('UPDATE sites SET chain_seq = ?, chain_head = ? WHERE id = ?'),
      insertSeries: db.prepare(
        'INSERT OR IGNORE INTO series (site_id, metric, labels, kind, created_at) VALUES (?,?,?,?,?)',
      ),
      seriesId: db.prepare('SELECT id, kind FROM series WHERE site_id = ? AND metric = ? AND labels = ?'),
      insertReceipt: db.prepare(
        `INSERT INTO receipts (site_id, seq, token_id, accepted, rejected, content_hash, prev_hash, hash, min_ts, max_ts,
           idempotency_key, response, rolled_up, received_at, instance_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,'',0,?,?)`,
      ),
      setResponse: db.prepare('UPDATE receipts SET response = ? WHERE id = ?'),
      existing: db.prepare('SELECT value, receipt_id FROM samples WHERE ts = ? AND series_id = ?'),
      replace: db.prepare(
        'UPDATE samples SET value = ?, ingested_at = ?, receipt_id = ? WHERE ts = ? AND series_id = ?',
      ),
      markRolled: db.prepare('UPDATE receipts SET rolled_up = 1 WHERE id = ?'),
      raw: db.prepare(
        `SELECT series_id, ts, value FROM samples WHERE ts >= ? AND ts < ?
           AND receipt_id NOT IN (SELECT id FROM receipts WHERE rolled_up = 0) ORDER BY ts`,
      ),
      pending: db.prepare(
        'SELECT id, instance_id, site_id, min_ts, max_ts, received_at FROM receipts WHERE rolled_up = 0 AND id > ? ORDER BY id LIMIT ?',
      ),
      bucketsOfReceipt: db.prepare(
        'SELECT DISTINCT series_id, (ts - (ts % 60000)) AS bucket FROM samples WHERE ts >= ? AND ts <= ? AND receipt_id = ?',
      ),
      oldestPending: db.prepare('SELECT MIN(received_at) AS t FROM receipts WHERE rolled_up = 0'),
      series: db.prepare('SELECT id, site_id, metric, labels, kind FROM series'),
      ping: db.prepare('SELECT 1'),
    };
    const steps: RollupStep[] = ['1m', '1h', '1d'];
    this.merge = Object.fromEntries(
      steps.map((step) => [
        step,
        db.prepare(
          `INSERT INTO rollup_${step} AS r (series_id, bucket, ${AGG_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT (series_id, bucket) DO UPDATE SET
             count = r.count + excluded.count,
             sum = r.sum + excluded.sum,
             min = MIN(r.min, excluded.min),
             max = MAX(r.max, excluded.max),
             increase = r.increase + excluded.increase + CASE WHEN excluded.first_ts > r.last_ts
               THEN (CASE WHEN excluded.first >= r.last THEN excluded.first - r.last ELSE excluded.first END)
               ELSE (CASE WHEN r.first >= excluded.last THEN r.first - excluded.last ELSE r.first END) END,
             resets = r.resets + excluded.resets + CASE WHEN excluded.first_ts > r.last_ts
               THEN (excluded.first < r.last) ELSE (r.first < excluded.last) END,
             first = CASE WHEN excluded.first_ts < r.first_ts THEN excluded.first ELSE r.first END,
             first_ts = MIN(r.first_ts, excluded.first_ts),
             last = CASE WHEN excluded.last_ts > r.last_ts THEN excluded.last ELSE r.last END,
             last_ts = MAX(r.last_ts, excluded.last_ts)
           WHERE excluded.first_ts > r.last_ts OR excluded.last_ts < r.first_ts`,
        ),
      ]),
    ) as Record<RollupStep, Stmt>;
    this.overwrite = Object.fromEntries(
      steps.map((step) => [
        step,
        db.prepare(
          `INSERT OR REPLACE INTO rollup_${step} (series_id, bucket, ${AGG_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
        ),
      ]),
    ) as Record<RollupStep, Stmt>;
    this.deleteBucket = Object.fromEntries(
      steps.map((step) => [
        step,
        db.prepare(`DELETE FROM rollup_${step} WHERE series_id = ? AND bucket = ?`),
      ]),
    ) as Record<RollupStep, Stmt>;
    this.finerRows = {
      '1h': db.prepare(
        `SELECT ${AGG_COLS} FROM rollup_1m WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
      ),
      '1d': db.prepare(
        `SELECT ${AGG_COLS} FROM rollup_1m WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
      ),
    };
    this.writeTx = db.transaction((input: BatchInput) => this.write(input));
    this.mergeTx = db.transaction((step: RollupStep, chunk: BucketMerge[]) => this.mergeChunk(step, chunk));
    this.finalTx = db.transaction(
      (receiptIds: number[], todo: Record<RollupStep, Map<string, BucketRef>>, stats: FlushStats) =>
        this.final(receiptIds, todo, stats),
    );
  }

  async loadSeries(): Promise<SeriesRow[]> {
    const rows = this.s.series!.all() as {
      id: number;
      site_id: number;
      metric: string;
      labels: string;
      kind: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      siteId: r.site_id,
      metric: r.metric,
      labels: r.labels,
      kind: r.kind as MetricKind,
    }));
  }

  async writeBatch(input: BatchInput): Promise<BatchOutput> {
    // IMMEDIATE: take the write lock up front so busy_timeout applies (a deferred transaction that reads
    // first fails at once when another connection holds the lock).
    return this.writeTx.immediate(input);
  }

  private write(input: BatchInput): BatchOutput {
    if (input.idempotencyKey) {
      const hit = this.s.idem!.get(input.siteId, input.idempotencyKey) as { response: string } | undefined;
      if (hit) return { kind: 'replay', response: hit.response };
    }
    const createdSeries: SeriesRow[] = [];
    for (const ns of input.newSeries) {
      this.s.insertSeries!.run(input.siteId, ns.metric, ns.labelKey, ns.kind, input.receivedAt);
      const row = this.s.seriesId!.get(input.siteId, ns.metric, ns.labelKey) as { id: number; kind: string };
      createdSeries.push({
        id: row.id,
        siteId: input.siteId,
        metric: ns.metric,
        labels: ns.labelKey,
        kind: row.kind as MetricKind,
      });
    }
    const chain = this.s.chain!.get(input.siteId) as { chain_seq: number; chain_head: string } | undefined;
    if (!chain) throw new Error(`site ${input.siteId} vanished during ingest`);
    const { seq, prevHash, hash } = nextChainLink(input, chain);
    const info = this.s.insertReceipt!.run(
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
      input.receivedAt,
      input.instanceId,
    );
    const receiptId = Number(info.lastInsertRowid);
    const receipt = { id: receiptId, seq, hash, prevHash };

    const n = input.ts.length;
    const seriesIds = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const ref = input.seriesRefs[i]!;
      seriesIds[i] = ref >= 0 ? ref : createdSeries[-ref - 1]!.id;
    }
    const status = new Uint8Array(n); // SAMPLE_NEW
    const now = input.receivedAt;
    let inserted = 0;
    let i = 0;
    const params = new Array<number>(CHUNK * 5);
    for (; i + CHUNK <= n; i += CHUNK) {
      for (let j = 0; j < CHUNK; j++) {
        const k = i + j;
        const p = j * 5;
        params[p] = input.ts[k]!;
        params[p + 1] = seriesIds[k]!;
        params[p + 2] = input.values[k]!;
        params[p + 3] = now;
        params[p + 4] = receiptId;
      }
      inserted += this.insertChunk.run(params).changes;
    }
    for (; i < n; i++)
      inserted += this.insertOne.run(input.ts[i], seriesIds[i], input.values[i], now, receiptId).changes;

    if (inserted < n) {
      // Some (series, ts) existed already: last write wins, identical resends change nothing.
      for (let k = 0; k < n; k++) {
        const row = this.s.existing!.get(input.ts[k], seriesIds[k]) as { value: number; receipt_id: number };
        if (row.receipt_id === receiptId) continue;
        if (row.value === input.values[k]) {
          status[k] = SAMPLE_UNCHANGED;
        } else {
          this.s.replace!.run(input.values[k], now, receiptId, input.ts[k], seriesIds[k]);
          status[k] = SAMPLE_REPLACED;
        }
      }
    }
    const response = ingestResponseJson(input, receipt);
    this.s.setResponse!.run(response, receiptId);
    this.s.setChain!.run(seq, hash, input.siteId);
    return { kind: 'stored', receipt, response, createdSeries, seriesIds, status };
  }

  /**
   * Merges run in short transactions with the event loop released in between, so a large flush never
   * stalls ingest for long. Receipts are marked rolled up only in the final transaction, together with
   * every recomputation: a crash before it leaves the receipts pending, and the recovery pass rebuilds
   * their buckets from samples (recomputing is idempotent, so half-applied merges do no harm).
   */
  async flushRollups(flush: RollupFlush): Promise<FlushStats> {
    const stats: FlushStats = {
      merged: { '1m': 0, '1h': 0, '1d': 0 },
      recomputed: { '1m': 0, '1h': 0, '1d': 0 },
    };
    const todo: Record<RollupStep, Map<string, BucketRef>> = {
      '1m': new Map(),
      '1h': new Map(),
      '1d': new Map(),
    };
    const addParents = (r: BucketRef) => {
      const p = parentsOf(r);
      todo['1h'].set(`${p.hour.seriesId}:${p.hour.bucket}`, p.hour);
      todo['1d'].set(`${p.day.seriesId}:${p.day.bucket}`, p.day);
    };
    for (const level of flush.levels) {
      for (const r of level.recompute) {
        todo[level.step].set(`${r.seriesId}:${r.bucket}`, r);
        if (level.step === '1m') addParents(r);
      }
    }
    for (const level of flush.levels) {
      const step = level.step;
      const merges = level.merges.filter((m) => !todo[step].has(`${m.seriesId}:${m.bucket}`));
      for (let i = 0; i < merges.length; i += MERGE_CHUNK) {
        const chunk = merges.slice(i, i + MERGE_CHUNK);
        const refused = this.mergeTx(step, chunk);
        stats.merged[step] += chunk.length - refused.length;
        for (const r of refused) {
          todo[step].set(`${r.seriesId}:${r.bucket}`, r);
          if (step === '1m') addParents(r);
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.finalTx(flush.receiptIds, todo, stats);
    return stats;
  }

  private mergeChunk(step: RollupStep, chunk: BucketMerge[]): BucketMerge[] {
    const refused: BucketMerge[] = [];
    const stmt = this.merge[step];
    for (const m of chunk) {
      if (stmt.run(m.seriesId, m.bucket, ...aggParams(m.agg)).changes === 0) refused.push(m);
    }
    return refused;
  }

  private final(
    receiptIds: number[],
    todo: Record<RollupStep, Map<string, BucketRef>>,
    stats: FlushStats,
  ): void {
    for (const id of receiptIds) this.s.markRolled!.run(id);
    for (const step of ['1m', '1h', '1d'] as const) {
      const refs = [...todo[step].values()];
      const aggs = step === '1m' ? this.fromRaw(refs) : refs.map((r) => this.fromFiner(step, r));
      refs.forEach((r, i) => {
        const agg = aggs[i];
        if (agg) this.overwrite[step].run(r.seriesId, r.bucket, ...aggParams(agg));
        else this.deleteBucket[step].run(r.seriesId, r.bucket);
        stats.recomputed[step]++;
      });
    }
  }

  /** Samples are keyed (ts, series_id) only: each distinct minute is read once for all its series. */
  private fromRaw(refs: BucketRef[]): (Agg | undefined)[] {
    const parts: Agg[][] = refs.map(() => []);
    for (const g of groupByRange(refs)) {
      for (const row of this.s.raw!.iterate(g.bucket, g.end) as Iterable<{
        series_id: number;
        ts: number;
        value: number;
      }>) {
        const i = g.index.get(row.series_id);
        if (i !== undefined) parts[i]!.push(single(row.ts, row.value));
      }
    }
    return parts.map((p) => fromOrdered(p));
  }

  private fromFiner(step: '1h' | '1d', r: BucketRef): Agg | undefined {
    const rows = this.finerRows[step].all(r.seriesId, r.bucket, r.end) as AggRow[];
    return fromOrdered(rows.map(rowToAgg));
  }

  async pendingReceipts(afterId: number, limit: number): Promise<PendingReceipt[]> {
    const rows = this.s.pending!.all(afterId, limit) as {
      id: number;
      instance_id: string | null;
      site_id: number;
      min_ts: number | null;
      max_ts: number | null;
      received_at: number;
    }[];
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
      const rows = this.s.bucketsOfReceipt!.all(r.minTs, r.maxTs, r.id) as {
        series_id: number;
        bucket: number;
      }[];
      for (const row of rows) out.push({ seriesId: row.series_id, bucket: row.bucket });
    }
    return out;
  }

  async oldestPendingReceivedAt(): Promise<number | null> {
    const row = this.s.oldestPending!.get() as { t: number | null };
    return row.t;
  }

  async readRollups(step: RollupStep, seriesIds: number[], from: number, to: number): Promise<RollupRow[]> {
    if (seriesIds.length === 0) return [];
    const stmt = this.db.prepare(
      `SELECT series_id, bucket, ${AGG_COLS} FROM rollup_${step}
        WHERE series_id IN (${seriesIds.map(() => '?').join(',')}) AND bucket >= ? AND bucket < ?
        ORDER BY series_id, bucket`,
    );
    const rows = stmt.all(...seriesIds, from, to) as (AggRow & { series_id: number; bucket: number })[];
    return rows.map((r) => ({ seriesId: r.series_id, bucket: r.bucket, ...rowToAgg(r) }));
  }

  async ping(): Promise<void> {
    this.s.ping!.get();
  }
}

export { SAMPLE_NEW, SAMPLE_REPLACED, SAMPLE_UNCHANGED };
