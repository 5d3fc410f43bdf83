import type { BatchInput, BatchOutput, BucketRef, RollupFlush, RollupStep } from './telemetry-store';

export interface WorkerRequest {
  id: number;
  op: string;
  args: unknown[];
}

export type WorkerResponse =
  { id: number; result: unknown } | { id: number; error: { message: string; code?: string } };

/**
 * A flush crosses the thread boundary as flat Float64Arrays (transferred, not copied): hundreds of
 * thousands of small objects would cost more to clone than the SQL they feed.
 */
export interface PackedFlush {
  receiptIds: number[];
  minutesFrom: number;
  levels: { step: RollupStep; merges: Float64Array; recompute: Float64Array }[];
}

/** Doubles per packed bucket ref: seriesId, bucket, end, hour, day, dayEnd. */
export const PACKED_REF = 6;
/** Doubles per packed merge: a ref, then count, sum, min, max, first, firstTs, last, lastTs, increase, resets. */
export const PACKED_MERGE = PACKED_REF + 10;
const REF = PACKED_REF;
const MERGE = PACKED_MERGE;

function putRef(a: Float64Array, o: number, r: BucketRef): void {
  a[o] = r.seriesId;
  a[o + 1] = r.bucket;
  a[o + 2] = r.end;
  a[o + 3] = r.hour ?? NaN;
  a[o + 4] = r.day ?? NaN;
  a[o + 5] = r.dayEnd ?? NaN;
}

export function refAt(a: Float64Array, o: number): BucketRef {
  const r: BucketRef = { seriesId: a[o]!, bucket: a[o + 1]!, end: a[o + 2]! };
  if (!Number.isNaN(a[o + 3])) {
    r.hour = a[o + 3]!;
    r.day = a[o + 4]!;
    r.dayEnd = a[o + 5]!;
  }
  return r;
}

export function packFlush(flush: RollupFlush): { packed: PackedFlush; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const levels = flush.levels.map((l) => {
    const merges = new Float64Array(l.merges.length * MERGE);
    l.merges.forEach((m, i) => {
      const o = i * MERGE;
      putRef(merges, o, m);
      const a = m.agg;
      merges.set(
        [a.count, a.sum, a.min, a.max, a.first, a.firstTs, a.last, a.lastTs, a.increase, a.resets],
        o + REF,
      );
    });
    const recompute = new Float64Array(l.recompute.length * REF);
    l.recompute.forEach((r, i) => putRef(recompute, i * REF, r));
    transfer.push(merges.buffer, recompute.buffer);
    return { step: l.step, merges, recompute };
  });
  return { packed: { receiptIds: flush.receiptIds, minutesFrom: flush.minutesFrom, levels }, transfer };
}

/**
 * A batch crosses to the writer with its per-sample columns as transferred Float64Arrays: structured cloning
 * three 5,000-element number arrays cost ~1 ms of the main thread per batch, the copies below ~50 µs.
 */
export type PackedBatch = Omit<BatchInput, 'seriesRefs' | 'ts' | 'values'> & {
  seriesRefs: Float64Array;
  ts: Float64Array;
  values: Float64Array;
};

export type PackedBatchOutput =
  | { kind: 'replay'; response: string }
  | (Omit<Extract<BatchOutput, { kind: 'stored' }>, 'seriesIds'> & { seriesIds: Int32Array });

export function packBatch(input: BatchInput): { packed: PackedBatch; transfer: ArrayBuffer[] } {
  const packed: PackedBatch = {
    ...input,
    seriesRefs: Float64Array.from(input.seriesRefs),
    ts: Float64Array.from(input.ts),
    values: Float64Array.from(input.values),
  };
  return {
    packed,
    transfer: [packed.seriesRefs.buffer, packed.ts.buffer, packed.values.buffer] as ArrayBuffer[],
  };
}

export function unpackBatch(p: PackedBatch): BatchInput {
  return { ...p, seriesRefs: Array.from(p.seriesRefs), ts: Array.from(p.ts), values: Array.from(p.values) };
}

export function packBatchOutput(out: BatchOutput): { packed: PackedBatchOutput; transfer: ArrayBuffer[] } {
  if (out.kind === 'replay') return { packed: out, transfer: [] };
  const seriesIds = Int32Array.from(out.seriesIds);
  return {
    packed: { ...out, seriesIds },
    transfer: [seriesIds.buffer, out.status.buffer] as ArrayBuffer[],
  };
}

export function unpackBatchOutput(p: PackedBatchOutput): BatchOutput {
  return p.kind === 'replay' ? p : { ...p, seriesIds: Array.from(p.seriesIds) };
}
