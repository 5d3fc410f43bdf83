import type BetterSqlite3 from 'better-sqlite3';
import type { MetricKind } from '@dcfleet/contracts';
import { REPLACEMENT_MAX_RATIO, fromOrdered, single, type Agg } from './rollup-math';
import {
  AGG_COLS,
  CHART_COLS,
  rollupColumns,
  rowToAgg,
  type AggRow,
  aggParams,
  type RollupColumns,
} from './rollup-row';
import { yieldLoop } from '../common/yield-loop';
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
import { SampleFloors } from './sample-floors';
import {
  PACKED_MERGE,
  PACKED_REF,
  refAt,
  SAMPLE_NEW,
  SAMPLE_REPLACED,
  SAMPLE_UNCHANGED,
  type BatchInput,
  type BatchOutput,
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

type Stmt = BetterSqlite3.Statement;

/** Rollup upserts per transaction before ingest batches get a turn on the writer (~5 ms). */
const MERGE_CHUNK = 1000;
/** Chunk rewrites per compaction transaction: ~20–40 µs each, so a transaction holds the writer for ~20 ms. */
const COMPACT_SLICE = 600;
/** Level-0 samples one compaction pass takes on, per site. */
const COMPACT_SAMPLES = 60_000;
/** Rows one retention or upgrade transaction removes or moves. */
const EXPIRE_SLICE = 5_000;

/**
 * SQLite hot path: one synchronous transaction per batch with prepared statements (better-sqlite3 is
 * synchronous, so nothing else runs on the event loop while a batch commits — no interleaving to guard).
 */
export class SqliteTelemetryStore implements TelemetryStore {
  private readonly s: Record<string, Stmt>;
  private readonly floors = new SampleFloors();
  /** The pre-chunk sample table is still being moved (an upgraded database). */
  private legacy: boolean;
  private readonly merge: Record<RollupStep, Stmt>;
  private readonly overwrite: Record<RollupStep, Stmt>;
  private readonly deleteBucket: Record<RollupStep, Stmt>;
  private readonly finerRows: Record<'1h' | '1d', Stmt>;
  private readonly finer1dFromMinutes: Stmt;
  private readonly writeTx: BetterSqlite3.Transaction<(input: BatchInput) => BatchOutput>;
  private readonly mergeTx: (
    step: RollupStep,
    a: Float64Array,
    from: number,
    to: number,
    skip: Map<string, BucketRef>,
  ) => BucketRef[];
  private readonly finalTx: (
    receiptIds: number[],
    minutesFrom: number,
    todo: Record<RollupStep, Map<string, BucketRef>>,
    stats: FlushStats,
  ) => void;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.legacy = !!db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'samples_legacy'")
      .get();
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
      markRolled: db.prepare('UPDATE receipts SET rolled_up = 1 WHERE id = ?'),
      insertBatch: db.prepare(
        'INSERT INTO raw_batches (receipt_id, site_id, seq, min_ts, max_ts, done_below, samples, payload) VALUES (?,?,?,?,?,0,?,?)',
      ),
      batchesOfSite: db.prepare(
        `SELECT receipt_id, site_id, seq, min_ts, max_ts, done_below, payload FROM raw_batches
          WHERE site_id = ? AND min_ts <= ? AND max_ts >= ?`,
      ),
      batchesIn: db.prepare(
        `SELECT receipt_id, site_id, seq, min_ts, max_ts, done_below, payload FROM raw_batches
          WHERE max_ts >= ? AND min_ts <= ?`,
      ),
      batchOf: db.prepare(
        'SELECT receipt_id, site_id, seq, min_ts, max_ts, done_below, payload FROM raw_batches WHERE receipt_id = ?',
      ),
      chunk: db.prepare('SELECT payload FROM raw_chunks WHERE window_start = ? AND series_id = ?'),
      putChunk: db.prepare(
        'INSERT OR REPLACE INTO raw_chunks (window_start, series_id, samples, min_ts, max_ts, payload) VALUES (?,?,?,?,?,?)',
      ),
      rolledUp: db.prepare('SELECT rolled_up FROM receipts WHERE id = ?'),
      newestHour: db.prepare(
        'SELECT last_ts FROM rollup_1h WHERE series_id = ? ORDER BY bucket DESC LIMIT 1',
      ),
      pendingMax: db.prepare('SELECT MAX(max_ts) AS t FROM receipts WHERE rolled_up = 0 AND site_id = ?'),
      compactSites: db.prepare(COMPACT_SITES_SQL),
      compactable: db.prepare(
        `SELECT b.receipt_id, b.site_id, b.seq, b.min_ts, b.max_ts, b.done_below, b.samples, b.payload
           FROM raw_batches b JOIN receipts r ON r.id = b.receipt_id
          WHERE b.site_id = ? AND b.min_ts < ? AND b.done_below < ? AND r.rolled_up = 1
          ORDER BY b.min_ts`,
      ),
      dropBatch: db.prepare('DELETE FROM raw_batches WHERE receipt_id = ?'),
      advanceBatch: db.prepare('UPDATE raw_batches SET done_below = ? WHERE receipt_id = ?'),
      expireChunks: db.prepare(
        `DELETE FROM raw_chunks WHERE (window_start, series_id) IN
           (SELECT window_start, series_id FROM raw_chunks WHERE window_start < ? LIMIT ${EXPIRE_SLICE})`,
      ),
      maxSeries: db.prepare('SELECT MAX(id) AS id FROM series'),
      expireMinutes: db.prepare(
        'DELETE FROM rollup_1m WHERE series_id >= ? AND series_id < ? AND bucket < ?',
      ),
      pending: db.prepare(
        'SELECT id, instance_id, site_id, min_ts, max_ts, received_at FROM receipts WHERE rolled_up = 0 AND id > ? ORDER BY id LIMIT ?',
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
          `INSERT INTO rollup_${step} AS r (series_id, bucket, ${AGG_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT (series_id, bucket) DO UPDATE SET
             count = r.count + excluded.count,
             sum = r.sum + excluded.sum,
             min = MIN(r.min, excluded.min),
             max = MAX(r.max, excluded.max),
             increase = r.increase + excluded.increase + CASE WHEN excluded.first_ts > r.last_ts
               THEN (CASE WHEN excluded.first < r.last AND excluded.first <= r.last * ${REPLACEMENT_MAX_RATIO}
                 THEN excluded.first ELSE excluded.first - r.last END)
               ELSE (CASE WHEN r.first < excluded.last AND r.first <= excluded.last * ${REPLACEMENT_MAX_RATIO}
                 THEN r.first ELSE r.first - excluded.last END) END,
             resets = r.resets + excluded.resets + CASE WHEN excluded.first_ts > r.last_ts
               THEN (excluded.first < r.last AND excluded.first <= r.last * ${REPLACEMENT_MAX_RATIO})
               ELSE (r.first < excluded.last AND r.first <= excluded.last * ${REPLACEMENT_MAX_RATIO}) END,
             glitch_drop = r.glitch_drop + excluded.glitch_drop + CASE WHEN excluded.first_ts > r.last_ts
               THEN (CASE WHEN excluded.first < r.last AND excluded.first > r.last * ${REPLACEMENT_MAX_RATIO}
                 THEN r.last - excluded.first ELSE 0 END)
               ELSE (CASE WHEN r.first < excluded.last AND r.first > excluded.last * ${REPLACEMENT_MAX_RATIO}
                 THEN excluded.last - r.first ELSE 0 END) END,
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
          `INSERT OR REPLACE INTO rollup_${step} (series_id, bucket, ${AGG_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
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
      // Days from hours when the day is whole hours (every zone but a few): hours are kept forever, minutes are not.
      '1d': db.prepare(
        `SELECT ${AGG_COLS} FROM rollup_1h WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
      ),
    };
    this.finer1dFromMinutes = db.prepare(
      `SELECT ${AGG_COLS} FROM rollup_1m WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket`,
    );
    this.writeTx = db.transaction((input: BatchInput) => this.write(input));
    this.mergeTx = db.transaction(
      (step: RollupStep, a: Float64Array, from: number, to: number, skip: Map<string, BucketRef>) =>
        this.mergeRows(step, a, from, to, skip),
    );
    this.finalTx = db.transaction(
      (
        receiptIds: number[],
        minutesFrom: number,
        todo: Record<RollupStep, Map<string, BucketRef>>,
        stats: FlushStats,
      ) => this.final(receiptIds, minutesFrom, todo, stats),
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
    const out = this.writeTx.immediate(input);
    if (out.kind === 'stored') this.floors.record(out.seriesIds, input.ts);
    return out;
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
    // Status per sample: appends (newer than anything stored for the series) need no lookup; the rest are
    // compared with what is stored (last write wins, identical resends change nothing).
    for (const id of this.floors.unknown(seriesIds))
      this.floors.learn(id, this.newestStored(id, input.siteId));
    const fresh = new Set(createdSeries.map((c) => c.id));
    const suspects = suspectSamples(this.floors, seriesIds, input.ts, fresh);
    const status = sampleStatus(
      suspects,
      seriesIds,
      input.ts,
      input.values,
      suspects.length
        ? this.storedAt(
            input.siteId,
            suspects.map((i) => ({ seriesId: seriesIds[i]!, ts: input.ts[i]! })),
          )
        : [],
    );
    if (n > 0) {
      this.s.insertBatch!.run(
        receiptId,
        input.siteId,
        seq,
        input.minTs,
        input.maxTs,
        n,
        encodeBatchPayload(seriesIds, input.ts, input.values),
      );
    }
    const response = ingestResponseJson(input, receipt);
    this.s.setResponse!.run(response, receiptId);
    this.s.setChain!.run(seq, hash, input.siteId);
    return { kind: 'stored', receipt, response, createdSeries, seriesIds, status };
  }

  /**
   * An upper bound of the newest stored ts of a series: its newest hour bucket, or a batch of its site no flush
   * has folded in yet. Both through a key.
   */
  private newestStored(seriesId: number, siteId: number): number | null {
    const h = this.s.newestHour!.get(seriesId) as { last_ts: number } | undefined;
    const p = this.s.pendingMax!.get(siteId) as { t: number | null };
    const ts = Math.max(h?.last_ts ?? -Infinity, p.t ?? -Infinity);
    return ts === -Infinity ? null : ts;
  }

  /** Stored samples at these (series, ts) of one site, last write resolved. */
  private storedAt(siteId: number, at: { seriesId: number; ts: number }[]): RawSample[] {
    const q = pointLookup(at);
    const batches = (this.s.batchesOfSite!.all(siteId, q.hi, q.lo) as BatchDbRow[]).map(batchRow);
    return resolveRaw(q.want, this.chunksAt(q.chunkKeys), batches, this.legacyIn(q.lo, q.hi + 1));
  }

  private chunksAt(pairs: Iterable<{ windowStart: number; seriesId: number }>): ChunkRow[] {
    const out: ChunkRow[] = [];
    for (const p of pairs) {
      const row = this.s.chunk!.get(p.windowStart, p.seriesId) as { payload: Uint8Array } | undefined;
      if (row) out.push({ windowStart: p.windowStart, seriesId: p.seriesId, payload: row.payload });
    }
    return out;
  }

  private legacyIn(from: number, to: number): RawSample[] {
    if (!this.legacy) return [];
    const rows = this.db
      .prepare('SELECT series_id, ts, value FROM samples_legacy WHERE ts >= ? AND ts < ?')
      .all(from, to) as { series_id: number; ts: number; value: number }[];
    return rows.map((r) => ({ seriesId: r.series_id, ts: r.ts, value: r.value, seq: 0 }));
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
      for (let o = 0; o < level.recompute.length; o += PACKED_REF) {
        const r = refAt(level.recompute, o);
        todo[level.step].set(`${r.seriesId}:${r.bucket}`, r);
        if (level.step === '1m') addParents(r);
      }
    }
    for (const level of flush.levels) {
      const step = level.step;
      const rows = level.merges;
      for (let o = 0; o < rows.length; o += MERGE_CHUNK * PACKED_MERGE) {
        const end = Math.min(rows.length, o + MERGE_CHUNK * PACKED_MERGE);
        const refused = this.mergeTx(step, rows, o, end, todo[step]);
        stats.merged[step] += (end - o) / PACKED_MERGE - refused.length;
        for (const r of refused) {
          todo[step].set(`${r.seriesId}:${r.bucket}`, r);
          if (step === '1m') addParents(r);
        }
        await yieldLoop();
      }
    }
    this.finalTx(flush.receiptIds, flush.minutesFrom, todo, stats);
    return stats;
  }

  /** Merges rows [from, to) of a packed level; returns the refused ones (their stored bucket overlaps). */
  private mergeRows(
    step: RollupStep,
    a: Float64Array,
    from: number,
    to: number,
    skip: Map<string, BucketRef>,
  ): BucketRef[] {
    const refused: BucketRef[] = [];
    const stmt = this.merge[step];
    const params = new Array<number>(13);
    for (let o = from; o < to; o += PACKED_MERGE) {
      if (skip.size && skip.has(`${a[o]}:${a[o + 1]}`)) continue;
      params[0] = a[o]!;
      params[1] = a[o + 1]!;
      for (let j = 0; j < 11; j++) params[2 + j] = a[o + PACKED_REF + j]!;
      if (stmt.run(params).changes === 0) refused.push(refAt(a, o));
    }
    return refused;
  }

  private final(
    receiptIds: number[],
    minutesFrom: number,
    todo: Record<RollupStep, Map<string, BucketRef>>,
    stats: FlushStats,
  ): void {
    for (const id of receiptIds) this.s.markRolled!.run(id);
    for (const step of ['1m', '1h', '1d'] as const) {
      const refs = [...todo[step].values()];
      const aggs = this.recomputed(step, refs, minutesFrom);
      refs.forEach((r, i) => {
        const agg = aggs[i];
        if (agg) this.overwrite[step].run(r.seriesId, r.bucket, ...aggParams(agg));
        else this.deleteBucket[step].run(r.seriesId, r.bucket);
        stats.recomputed[step]++;
      });
    }
  }

  /**
   * Recomputed buckets of one step: minutes from raw samples; hours from minutes; days from hours when the day is
   * whole hours (every zone but a few), else from minutes. Hours and days whose minutes retention may have removed
   * come from raw samples too.
   */
  private recomputed(step: RollupStep, refs: BucketRef[], minutesFrom: number): (Agg | undefined)[] {
    const out: (Agg | undefined)[] = new Array(refs.length);
    const raw: number[] = [];
    refs.forEach((r, i) => {
      if (step === '1m') raw.push(i);
      else if (step === '1d' && r.bucket % RAW_WINDOW_MS === 0 && r.end % RAW_WINDOW_MS === 0)
        out[i] = this.fromFiner(this.finerRows['1d'], r);
      else if (r.bucket < minutesFrom) raw.push(i);
      else out[i] = this.fromFiner(step === '1h' ? this.finerRows['1h'] : this.finer1dFromMinutes, r);
    });
    const fromRaw = this.fromRaw(raw.map((i) => refs[i]!));
    raw.forEach((i, j) => (out[i] = fromRaw[j]));
    return out;
  }

  /**
   * Buckets from raw samples: their chunks, and the batches overlapping them that a flush has folded in (batches
   * still pending are folded in by their own flush, or repaired by recovery).
   */
  private fromRaw(refs: BucketRef[]): (Agg | undefined)[] {
    if (refs.length === 0) return [];
    const index = new BucketIndex(refs);
    const legacy = this.legacyIn(index.lo, index.hi);
    const batches = (this.s.batchesIn!.all(index.lo, index.hi - 1) as BatchDbRow[])
      .filter(
        (b) => (this.s.rolledUp!.get(b.receipt_id) as { rolled_up: number } | undefined)?.rolled_up === 1,
      )
      .map(batchRow);
    const samples = resolveRaw(
      (seriesId, ts) => index.find(seriesId, ts) >= 0,
      this.chunksAt(index.chunkKeys),
      batches,
      legacy,
    );
    const parts: Agg[][] = refs.map(() => []);
    for (const x of samples) parts[index.find(x.seriesId, x.ts)]!.push(single(x.ts, x.value));
    return parts.map((p) => fromOrdered(p));
  }

  private fromFiner(stmt: Stmt, r: BucketRef): Agg | undefined {
    const rows = stmt.all(r.seriesId, r.bucket, r.end) as AggRow[];
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
      const seen = new Set<string>();
      const add = (seriesId: number, ts: number) => {
        const bucket = ts - (ts % 60_000);
        const key = `${seriesId}:${bucket}`;
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ seriesId, bucket });
        }
      };
      const row = this.s.batchOf!.get(r.id) as BatchDbRow | undefined;
      if (row) forEachBatchSample(batchRow(row), (x) => add(x.seriesId, x.ts));
      if (this.legacy && r.minTs !== null && r.maxTs !== null) {
        const rows = this.db
          .prepare('SELECT series_id, ts FROM samples_legacy WHERE ts >= ? AND ts <= ? AND receipt_id = ?')
          .all(r.minTs, r.maxTs, r.id) as { series_id: number; ts: number }[];
        for (const x of rows) add(x.series_id, x.ts);
      }
    }
    return out;
  }

  /** Raw samples of some series in [from, to), last write resolved (tests, tools). */
  async readRaw(seriesIds: number[], from: number, to: number): Promise<RawSample[]> {
    const ids = new Set(seriesIds);
    const legacy = this.legacyIn(from, to);
    const batches = (this.s.batchesIn!.all(from, to - 1) as BatchDbRow[]).map(batchRow);
    const chunks = (
      this.db
        .prepare(
          'SELECT window_start, series_id, payload FROM raw_chunks WHERE window_start >= ? AND window_start < ?',
        )
        .all(windowOf(from), to) as ChunkDbRow[]
    )
      .filter((r) => ids.has(r.series_id))
      .map(chunkRow);
    return resolveRaw((sid, ts) => ids.has(sid) && ts >= from && ts < to, chunks, batches, legacy);
  }

  /** Deep receipt check: the site's level-0 rows with min_ts < before, after a (min_ts, receipt_id) key. */
  async siteBatches(
    siteId: number,
    afterMinTs: number,
    afterReceiptId: number,
    before: number,
    limit: number,
  ): Promise<BatchRow[]> {
    const rows = this.db
      .prepare(
        `SELECT ${BATCH_COLS} FROM raw_batches
          WHERE site_id = ? AND min_ts < ? AND (min_ts > ? OR (min_ts = ? AND receipt_id > ?))
          ORDER BY min_ts, receipt_id LIMIT ?`,
      )
      .all(siteId, before, afterMinTs, afterMinTs, afterReceiptId, limit) as BatchDbRow[];
    return rows.map(batchRow);
  }

  /** Deep receipt check: the site's chunks of one window after a series id, in series order. */
  async siteChunks(
    siteId: number,
    windowStart: number,
    afterSeriesId: number,
    limit: number,
  ): Promise<ChunkRow[]> {
    const rows = this.db
      .prepare(
        `SELECT window_start, series_id, payload FROM raw_chunks
          WHERE window_start = ? AND series_id > ? AND series_id IN (SELECT id FROM series WHERE site_id = ?)
          ORDER BY series_id LIMIT ?`,
      )
      .all(windowStart, afterSeriesId, siteId, limit) as ChunkDbRow[];
    return rows.map(chunkRow);
  }

  /** Deep receipt check: the upgrade's rows of the site in [from, to), at their receipt's seq (0 if unknown). */
  async siteLegacy(siteId: number, from: number, to: number): Promise<RawSample[]> {
    if (!this.legacy) return [];
    const rows = this.db
      .prepare(
        `SELECT l.series_id, l.ts, l.value, COALESCE(r.seq, 0) AS seq FROM samples_legacy l
           LEFT JOIN receipts r ON r.id = l.receipt_id
          WHERE l.ts >= ? AND l.ts < ? AND l.series_id IN (SELECT id FROM series WHERE site_id = ?)`,
      )
      .all(from, to, siteId) as { series_id: number; ts: number; value: number; seq: number }[];
    return rows.map((r) => ({ seriesId: r.series_id, ts: r.ts, value: r.value, seq: r.seq }));
  }

  /** Deep receipt check: the first window ≥ from with a chunk, a level-0 row's start or a legacy row of the site. */
  async nextSiteWindow(siteId: number, from: number): Promise<number | null> {
    const chunk = this.db
      .prepare(
        `SELECT window_start AS t FROM raw_chunks
          WHERE window_start >= ? AND series_id IN (SELECT id FROM series WHERE site_id = ?)
          ORDER BY window_start LIMIT 1`,
      )
      .get(from, siteId) as { t: number } | undefined;
    const batch = this.db
      .prepare('SELECT MIN(min_ts) AS t FROM raw_batches WHERE site_id = ? AND min_ts >= ?')
      .get(siteId, from) as { t: number | null };
    const legacy = this.legacy
      ? (this.db
          .prepare(
            `SELECT MIN(ts) AS t FROM samples_legacy
              WHERE ts >= ? AND series_id IN (SELECT id FROM series WHERE site_id = ?)`,
          )
          .get(from, siteId) as { t: number | null })
      : undefined;
    const ts = [chunk?.t, batch.t, legacy?.t].filter((t): t is number => t !== null && t !== undefined);
    return ts.length ? windowOf(Math.min(...ts)) : null;
  }

  /**
   * Background upkeep, a bounded amount per call: compacts closed windows into chunks, moves rows of the
   * pre-chunk table (upgrade), and applies retention. Runs on the writer in short transactions with the event
   * loop released in between, so ingest batches interleave.
   */
  async maintain(now: number, policy: MaintainPolicy): Promise<MaintainStats> {
    const stats = emptyMaintainStats();
    for (const site of this.s.compactSites!.all() as CompactSiteRow[]) {
      await this.compactSite(
        site.site_id,
        siteHorizon(site.newest, site.received, now, policy.quietMs),
        stats,
      );
    }
    if (this.legacy) await this.moveLegacy(stats);
    await this.expire(policy, stats);
    return stats;
  }

  private async compactSite(siteId: number, horizon: number, stats: MaintainStats): Promise<void> {
    const rows = this.s.compactable!.all(siteId, horizon, horizon) as (BatchDbRow & { samples: number })[];
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
    const writeSlice = this.db.transaction((slice: ChunkGroup[]) => this.putChunks(slice));
    for (let i = 0; i < groups.length; i += COMPACT_SLICE) {
      // A crash between slices leaves the batches in place: compacting them again merges the same samples with
      // the same sequence, which changes nothing.
      writeSlice.immediate(groups.slice(i, i + COMPACT_SLICE));
      stats.chunksWritten += Math.min(COMPACT_SLICE, groups.length - i);
      await yieldLoop();
    }
    this.db
      .transaction(() => {
        for (const id of plan.drop) this.s.dropBatch!.run(id);
        for (const id of plan.advance) this.s.advanceBatch!.run(horizon, id);
      })
      .immediate();
    stats.batchesCompacted += plan.drop.length;
    stats.samplesCompacted += plan.samples;
  }

  /** Merges samples into their chunks (read, merge, replace); the caller holds the transaction. */
  private putChunks(groups: readonly ChunkGroup[]): void {
    for (const g of groups) {
      const stored = this.s.chunk!.get(g.windowStart, g.seriesId) as { payload: Uint8Array } | undefined;
      const c = mergedChunkPayload(stored?.payload, g.samples);
      this.s.putChunk!.run(g.windowStart, g.seriesId, c.n, c.minTs, c.maxTs, c.payload);
    }
  }

  /** Upgrade: rows of the one-row-per-sample table into chunks, oldest first, then the table goes. */
  private async moveLegacy(stats: MaintainStats): Promise<void> {
    const rows = this.db
      .prepare(
        `SELECT ts, series_id, value FROM samples_legacy ORDER BY ts, series_id LIMIT ${EXPIRE_SLICE * 4}`,
      )
      .all() as { ts: number; series_id: number; value: number }[];
    if (rows.length === 0) {
      this.db.prepare('DROP TABLE samples_legacy').run();
      this.legacy = false;
      return;
    }
    const { groups, last } = groupLegacyRows(rows);
    this.db
      .transaction(() => {
        this.putChunks(groups);
        this.db
          .prepare('DELETE FROM samples_legacy WHERE ts < ? OR (ts = ? AND series_id <= ?)')
          .run(last.ts, last.ts, last.seriesId);
      })
      .immediate();
    stats.legacyRowsMoved += rows.length;
    stats.more = true;
    await yieldLoop();
  }

  private expireCursor = 0;

  private async expire(retention: RetentionPolicy, stats: MaintainStats): Promise<void> {
    if (retention.rawBefore > 0) {
      const before = windowOf(retention.rawBefore);
      for (;;) {
        const n = this.s.expireChunks!.run(before).changes;
        stats.rawRowsExpired += n;
        if (n < EXPIRE_SLICE) break;
        await yieldLoop();
      }
    }
    if (retention.rollup1mBefore > 0) {
      // Minute rows are keyed by series first: expire a range of series per transaction, round-robin.
      const max = (this.s.maxSeries!.get() as { id: number | null }).id ?? 0;
      const span = 200;
      for (let done = 0; done <= max; done += span) {
        if (this.expireCursor > max) this.expireCursor = 0;
        const n = this.s.expireMinutes!.run(
          this.expireCursor,
          this.expireCursor + span,
          retention.rollup1mBefore,
        ).changes;
        stats.rollup1mRowsExpired += n;
        this.expireCursor += span;
        if (n) await yieldLoop();
      }
    }
    if (stats.rawRowsExpired + stats.rollup1mRowsExpired > 0) this.db.pragma('incremental_vacuum(2000)');
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

  async readRollupColumns(
    step: RollupStep,
    seriesIds: number[],
    from: number,
    to: number,
  ): Promise<RollupColumns> {
    if (seriesIds.length === 0) return rollupColumns([]);
    const stmt = this.db.prepare(
      `SELECT ${CHART_COLS} FROM rollup_${step}
        WHERE series_id IN (${seriesIds.map(() => '?').join(',')}) AND bucket >= ? AND bucket < ?
        ORDER BY series_id, bucket`,
    );
    return rollupColumns(stmt.raw(true).all(...seriesIds, from, to) as number[][]);
  }

  async ping(): Promise<void> {
    this.s.ping!.get();
  }
}

export { SAMPLE_NEW, SAMPLE_REPLACED, SAMPLE_UNCHANGED };
