import { REPLACEMENT_MAX_RATIO } from '@dcfleet/green-metrics';
/**
 * Partial aggregates of one series over one bucket, and how two of them combine. Shared by the in-memory
 * accumulator, the merge with stored buckets and the recomputation from raw samples, so all three agree.
 *
 * `increase` is the counter's increase between consecutive samples inside the bucket, with the meter rule of
 * docs/architecture.md ("Counters: replacements and glitches"): a reading that falls to at most a tenth of its
 * predecessor is a meter replacement or rollover (the new register started from about zero, so the step counts
 * the new value, and `resets` counts it); a smaller fall is a glitch (a misread, a corrected value): the step
 * counts as negative, so once the readings are back the increase is exactly last − first, and `glitchDrop` adds
 * up how far readings fell.
 */
export interface Agg {
  count: number;
  sum: number;
  min: number;
  max: number;
  first: number;
  firstTs: number;
  last: number;
  lastTs: number;
  increase: number;
  resets: number;
  glitchDrop: number;
}

// A fall to at most this share of the previous reading is a meter replacement; a smaller fall is a glitch. One
// constant for the rollups (here, minute-partials, both stores' merge SQL) and the ratings (green-metrics).
export { REPLACEMENT_MAX_RATIO };

export function counterStep(prev: number, next: number): { inc: number; reset: boolean; drop: number } {
  if (next >= prev) return { inc: next - prev, reset: false, drop: 0 };
  if (next <= prev * REPLACEMENT_MAX_RATIO) return { inc: next, reset: true, drop: 0 };
  return { inc: next - prev, reset: false, drop: prev - next };
}

export function single(ts: number, value: number): Agg {
  return {
    count: 1,
    sum: value,
    min: value,
    max: value,
    first: value,
    firstTs: ts,
    last: value,
    lastTs: ts,
    increase: 0,
    resets: 0,
    glitchDrop: 0,
  };
}

/**
 * Adds a sample in place. Returns false when the sample falls strictly inside the aggregate's time range
 * (or on an existing timestamp): the increase can then only be recomputed from the raw samples.
 */
export function addSample(a: Agg, ts: number, value: number): boolean {
  if (ts > a.lastTs) {
    const s = counterStep(a.last, value);
    a.increase += s.inc;
    if (s.reset) a.resets++;
    a.glitchDrop += s.drop;
    a.last = value;
    a.lastTs = ts;
  } else if (ts < a.firstTs) {
    const s = counterStep(value, a.first);
    a.increase += s.inc;
    if (s.reset) a.resets++;
    a.glitchDrop += s.drop;
    a.first = value;
    a.firstTs = ts;
  } else {
    return false;
  }
  a.count++;
  a.sum += value;
  if (value < a.min) a.min = value;
  if (value > a.max) a.max = value;
  return true;
}

/** Combines two aggregates with disjoint time ranges; returns undefined when they overlap. */
export function combine(a: Agg, b: Agg): Agg | undefined {
  const [early, late] =
    a.lastTs < b.firstTs ? [a, b] : b.lastTs < a.firstTs ? [b, a] : [undefined, undefined];
  if (!early || !late) return undefined;
  const s = counterStep(early.last, late.first);
  return {
    count: early.count + late.count,
    sum: early.sum + late.sum,
    min: Math.min(early.min, late.min),
    max: Math.max(early.max, late.max),
    first: early.first,
    firstTs: early.firstTs,
    last: late.last,
    lastTs: late.lastTs,
    increase: early.increase + late.increase + s.inc,
    resets: early.resets + late.resets + (s.reset ? 1 : 0),
    glitchDrop: early.glitchDrop + late.glitchDrop + s.drop,
  };
}

/** Aggregate of time-ordered points (raw samples, or finer buckets given as aggregates). */
export function fromOrdered(parts: readonly Agg[]): Agg | undefined {
  let acc: Agg | undefined;
  for (const p of parts) {
    if (!acc) acc = { ...p };
    else {
      const next = combine(acc, p);
      if (!next) throw new Error('fromOrdered: parts overlap or are not ordered by time');
      acc = next;
    }
  }
  return acc;
}
