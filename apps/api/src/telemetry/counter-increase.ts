import type { SeriesStep } from '@dcfleet/contracts';
import { counterStep } from './rollup-math';

/** What a chart's counter increase needs of one stored bucket. */
export interface CounterBucket {
  bucket: number;
  first: number;
  firstTs: number;
  last: number;
  lastTs: number;
  /** The rollup's reset-aware increase between the readings inside the bucket. */
  increase: number;
}

/**
 * How far before the first bucket (and after the last) a chart looks for the neighbouring reading: a counter read
 * hourly needs the hour before at 1-minute buckets, one read daily the day before at hourly buckets.
 */
export const COUNTER_NEIGHBOUR_MS: Record<SeriesStep, number> = {
  '1m': 2 * 3_600_000,
  '1h': 2 * 86_400_000,
  '1d': 35 * 86_400_000,
};

/** Index of the last slot starting at or before t (−1 before the first). */
function slotAt(slots: readonly number[], t: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slots[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * Per-slot increase of a counter: its growth across each slot, the step between two consecutive readings
 * included. Inside a bucket the rollup's increase counts; the step from one bucket's last reading to the next
 * non-empty bucket's first reading (with the meter rule of `counterStep`: a replacement counts the new reading, a
 * glitch is negative) is spread pro rata over the time between the two readings, so each slot gets the share of
 * that time it covers. A slot no reading and no such step touches stays null.
 *
 * `slots` are ascending slot starts, `end` the end of the last slot; `buckets` are ascending and may lie before
 * the first slot or after `end` (the neighbouring readings); buckets starting between slots are not expected.
 */
export function counterIncreases(
  slots: readonly number[],
  end: number,
  buckets: readonly CounterBucket[],
): (number | null)[] {
  const n = slots.length;
  const out = new Array<number | null>(n).fill(null);
  const add = (k: number, v: number) => {
    out[k] = (out[k] ?? 0) + v;
  };
  const slotEnd = (k: number) => (k + 1 < n ? slots[k + 1]! : end);
  buckets.forEach((b, i) => {
    const k = slotAt(slots, b.bucket);
    if (k >= 0 && b.bucket < end && slots[k] === b.bucket) add(k, b.increase);
    const prev = i > 0 ? buckets[i - 1] : undefined;
    if (!prev || prev.lastTs >= b.firstTs) return;
    const step = counterStep(prev.last, b.first).inc;
    const t1 = prev.lastTs;
    const t2 = b.firstTs;
    for (let j = Math.max(0, slotAt(slots, t1)); j < n && slots[j]! < t2; j++) {
      const lo = Math.max(t1, slots[j]!);
      const hi = Math.min(t2, slotEnd(j));
      if (hi > lo) add(j, (step * (hi - lo)) / (t2 - t1));
    }
  });
  return out;
}
