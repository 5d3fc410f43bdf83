import { single, fromOrdered, type Agg } from './rollup-math';
import { PACKED_MERGE, PACKED_REF, refAt, type BucketRef, type PendingReceipt } from './telemetry-store';
import type { RawSample } from './raw-layout';

/**
 * The consistency check's sample of recently written minute buckets (docs/architecture.md, "Rollups that heal"):
 * a fixed-size uniform sample (reservoir) of the 1-minute buckets the flushes since the last check wrote, so the
 * check's cost does not grow with the ingest rate.
 */
export class RecentBuckets {
  private refs: BucketRef[] = [];
  private seen = 0;

  constructor(private readonly capacity: number) {}

  /** Offers the 1m buckets of one flush (merged and recomputed). */
  offer(merges: Float64Array, recompute: Float64Array): void {
    for (let o = 0; o < merges.length; o += PACKED_MERGE) this.add(merges, o);
    for (let o = 0; o < recompute.length; o += PACKED_REF) this.add(recompute, o);
  }

  private add(packed: Float64Array, o: number): void {
    this.seen++;
    if (this.refs.length < this.capacity) this.refs.push(refAt(packed, o));
    else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < this.capacity) this.refs[j] = refAt(packed, o);
    }
  }

  /** The sample so far, and a fresh start. */
  take(): BucketRef[] {
    const out = this.refs;
    this.refs = [];
    this.seen = 0;
    return out;
  }
}

/** Aggregates of raw samples (sorted by series, then ts) per minute bucket, keyed `series:minute`. */
export function minuteAggs(samples: readonly RawSample[]): Map<string, Agg> {
  const parts = new Map<string, Agg[]>();
  for (const s of samples) {
    const key = `${s.seriesId}:${s.ts - (s.ts % 60_000)}`;
    let list = parts.get(key);
    if (!list) parts.set(key, (list = []));
    list.push(single(s.ts, s.value));
  }
  const out = new Map<string, Agg>();
  for (const [key, list] of parts) out.set(key, fromOrdered(list)!);
  return out;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Whether a stored bucket says what its raw samples say (sums compared with a relative 1e-9 tolerance). */
export function sameAgg(stored: Agg | undefined, fresh: Agg | undefined): boolean {
  if (!stored || !fresh) return stored === fresh;
  return (
    stored.count === fresh.count &&
    stored.min === fresh.min &&
    stored.max === fresh.max &&
    stored.first === fresh.first &&
    stored.firstTs === fresh.firstTs &&
    stored.last === fresh.last &&
    stored.lastTs === fresh.lastTs &&
    stored.resets === fresh.resets &&
    close(stored.sum, fresh.sum) &&
    close(stored.increase, fresh.increase)
  );
}

/** Whether any not-yet-rolled-up batch of the bucket's site may hold samples of that minute. */
export function overlapsPending(
  pending: readonly PendingReceipt[],
  siteId: number | undefined,
  minute: number,
): boolean {
  return pending.some(
    (p) =>
      p.siteId === siteId &&
      (p.minTs === null || p.minTs < minute + 60_000) &&
      (p.maxTs === null || p.maxTs >= minute),
  );
}
