import type BetterSqlite3 from 'better-sqlite3';
import { yieldLoop } from '../platform/common/yield-loop';
import { BucketIndex, resolveRaw } from './raw-layout';
import { fromOrdered, single, type Agg } from './rollup-math';
import { AGG_COLS, aggParams, mergeOnConflict, rowToAgg, type AggRow } from './rollup-row';
import { addParents, emptyFlushStats, recomputeSource } from './rollup-flush-plan';
import type { SqliteRawReads } from './sqlite-raw-reads';
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

type Stmt = BetterSqlite3.Statement;

/** A flush between `open` and `close`: the buckets to recompute, per step, and the counts so far. */
export interface SqliteFlushState {
  todo: Record<RollupStep, Map<string, BucketRef>>;
  stats: FlushStats;
}

const MERGE_ON_CONFLICT = mergeOnConflict({
  excluded: 'excluded',
  least: 'MIN',
  greatest: 'MAX',
  asInt: (test) => test,
});

/** Rollup upserts per transaction before ingest batches get a turn on the writer (~5 ms). */
const MERGE_CHUNK = 1000;

/**
 * The rollup flush of SqliteTelemetryStore: merges in short transactions, then one final transaction that marks
 * the receipts rolled up and writes every recomputed bucket.
 */
export class SqliteRollupFlush {
  private readonly markRolled: Stmt;
  private readonly merge: Record<RollupStep, Stmt>;
  private readonly overwrite: Record<RollupStep, Stmt>;
  private readonly deleteBucket: Record<RollupStep, Stmt>;
  private readonly finerRows: Record<'1h' | '1d', Stmt>;
  private readonly finer1dFromMinutes: Stmt;
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

  constructor(
    db: BetterSqlite3.Database,
    private readonly raw: SqliteRawReads,
  ) {
    this.markRolled = db.prepare('UPDATE receipts SET rolled_up = 1 WHERE id = ?');
    const steps: RollupStep[] = ['1m', '1h', '1d'];
    this.merge = Object.fromEntries(
      steps.map((step) => [
        step,
        db.prepare(
          `INSERT INTO rollup_${step} AS r (series_id, bucket, ${AGG_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
           ${MERGE_ON_CONFLICT}`,
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

  /**
   * Merges run in short transactions with the event loop released in between, so a large flush never
   * stalls ingest for long. Receipts are marked rolled up only in the final transaction, together with
   * every recomputation: a crash before it leaves the receipts pending, and the recovery pass rebuilds
   * their buckets from samples (recomputing is idempotent, so half-applied merges do no harm).
   */
  async flushRollups(flush: RollupFlush): Promise<FlushStats> {
    const state = this.open();
    await this.slice(state, flush.levels);
    return this.close(state, flush);
  }

  /** flushRollups with the levels in slices of whole series (TelemetryStore.flushRollupSlices). */
  async flushRollupSlices(head: RollupFlushHead, slices: AsyncIterable<LevelFlush[]>): Promise<FlushStats> {
    const state = this.open();
    for await (const levels of slices) await this.slice(state, levels);
    return this.close(state, head);
  }

  /** A flush's buckets to recompute (written by `close`) and its counts. */
  open(): SqliteFlushState {
    return { todo: { '1m': new Map(), '1h': new Map(), '1d': new Map() }, stats: emptyFlushStats() };
  }

  /**
   * Merges one slice's levels. Buckets to recompute are known before any merge of theirs is tried: the slice's refs,
   * and the parents of its recomputed minutes (a slice holds whole series, so those parents are in it too).
   */
  async slice(state: SqliteFlushState, levels: readonly LevelFlush[]): Promise<void> {
    const { todo, stats } = state;
    for (const level of levels) {
      for (let o = 0; o < level.recompute.length; o += PACKED_REF) {
        const r = refAt(level.recompute, o);
        todo[level.step].set(`${r.seriesId}:${r.bucket}`, r);
        if (level.step === '1m') addParents(todo, r);
      }
    }
    for (const level of levels) {
      const step = level.step;
      const rows = level.merges;
      for (let o = 0; o < rows.length; o += MERGE_CHUNK * PACKED_MERGE) {
        const end = Math.min(rows.length, o + MERGE_CHUNK * PACKED_MERGE);
        const refused = this.mergeTx(step, rows, o, end, todo[step]);
        stats.merged[step] += (end - o) / PACKED_MERGE - refused.length;
        for (const r of refused) {
          todo[step].set(`${r.seriesId}:${r.bucket}`, r);
          if (step === '1m') addParents(todo, r);
        }
        await yieldLoop();
      }
    }
  }

  /** The final transaction: marks the receipts rolled up and writes every recomputed bucket. */
  close(state: SqliteFlushState, head: RollupFlushHead): FlushStats {
    this.finalTx(head.receiptIds, head.minutesFrom, state.todo, state.stats);
    return state.stats;
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
    for (const id of receiptIds) this.markRolled.run(id);
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

  /** Recomputed buckets of one step, each from its source (recomputeSource): finer rows first, then raw. */
  private recomputed(step: RollupStep, refs: BucketRef[], minutesFrom: number): (Agg | undefined)[] {
    const out: (Agg | undefined)[] = new Array(refs.length);
    const raw: number[] = [];
    refs.forEach((r, i) => {
      const source = recomputeSource(step, r, minutesFrom);
      if (source === 'raw') raw.push(i);
      else if (source === 'rollup_1h') out[i] = this.fromFiner(this.finerRows['1d'], r);
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
    const legacy = this.raw.legacyIn(index.lo, index.hi);
    const batches = this.raw.rolledUpBatchesIn(index.lo, index.hi - 1);
    const samples = resolveRaw(
      (seriesId, ts) => index.find(seriesId, ts) >= 0,
      this.raw.chunksAt(index.chunkKeys),
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
}
