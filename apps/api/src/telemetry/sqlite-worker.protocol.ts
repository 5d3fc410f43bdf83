import type { BucketMerge, BucketRef, LevelFlush, RollupFlush, RollupStep } from './telemetry-store';

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

const REF = 6; // seriesId, bucket, end, hour, day, dayEnd
const MERGE = REF + 10; // + count, sum, min, max, first, firstTs, last, lastTs, increase, resets

function putRef(a: Float64Array, o: number, r: BucketRef): void {
  a[o] = r.seriesId;
  a[o + 1] = r.bucket;
  a[o + 2] = r.end;
  a[o + 3] = r.hour ?? NaN;
  a[o + 4] = r.day ?? NaN;
  a[o + 5] = r.dayEnd ?? NaN;
}

function getRef(a: Float64Array, o: number): BucketRef {
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

export function unpackFlush(p: PackedFlush): RollupFlush {
  const levels: LevelFlush[] = p.levels.map((l) => {
    const merges: BucketMerge[] = [];
    for (let o = 0; o < l.merges.length; o += MERGE) {
      const a = l.merges;
      merges.push({
        ...getRef(a, o),
        agg: {
          count: a[o + 6]!,
          sum: a[o + 7]!,
          min: a[o + 8]!,
          max: a[o + 9]!,
          first: a[o + 10]!,
          firstTs: a[o + 11]!,
          last: a[o + 12]!,
          lastTs: a[o + 13]!,
          increase: a[o + 14]!,
          resets: a[o + 15]!,
        },
      });
    }
    const recompute: BucketRef[] = [];
    for (let o = 0; o < l.recompute.length; o += REF) recompute.push(getRef(l.recompute, o));
    return { step: l.step, merges, recompute };
  });
  return { receiptIds: p.receiptIds, minutesFrom: p.minutesFrom, levels };
}
