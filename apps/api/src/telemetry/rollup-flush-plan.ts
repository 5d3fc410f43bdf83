import { RAW_WINDOW_MS } from './raw-layout';
import { parentsOf, type BucketRef, type FlushStats, type RollupStep } from './telemetry-store';

/** The parts of a rollup flush and of recovery that both dialects plan alike; the SQL stays per dialect. */

export function emptyFlushStats(): FlushStats {
  return {
    merged: { '1m': 0, '1h': 0, '1d': 0 },
    recomputed: { '1m': 0, '1h': 0, '1d': 0 },
  };
}

/** A recomputed 1-minute bucket changes its hour and its day: they are recomputed too. */
export function addParents(into: Record<'1h' | '1d', Map<string, BucketRef>>, r: BucketRef): void {
  const p = parentsOf(r);
  into['1h'].set(`${p.hour.seriesId}:${p.hour.bucket}`, p.hour);
  into['1d'].set(`${p.day.seriesId}:${p.day.bucket}`, p.day);
}

/** Where a recomputed bucket is read from: raw samples, or the rows of a finer rollup table. */
export type RecomputeSource = 'raw' | 'rollup_1h' | 'rollup_1m';

/**
 * Recomputed buckets of one step: minutes from raw samples; hours from minutes; days from hours when the day is
 * whole hours (every zone but a few), else from minutes. Hours and days whose minutes retention may have removed
 * come from raw samples too.
 */
export function recomputeSource(step: RollupStep, r: BucketRef, minutesFrom: number): RecomputeSource {
  if (step === '1m') return 'raw';
  if (step === '1d' && r.bucket % RAW_WINDOW_MS === 0 && r.end % RAW_WINDOW_MS === 0) return 'rollup_1h';
  if (r.bucket < minutesFrom) return 'raw';
  return 'rollup_1m';
}

/** Distinct (series, minute bucket) pairs, in the order first seen (recovery's list of buckets to recompute). */
export class MinuteBuckets {
  private readonly seen = new Set<string>();

  /** `out` may be shared by several collectors: each drops only the repeats it saw itself. */
  constructor(readonly out: { seriesId: number; bucket: number }[] = []) {}

  add(seriesId: number, ts: number): void {
    const bucket = ts - (ts % 60_000);
    const key = `${seriesId}:${bucket}`;
    if (!this.seen.has(key)) {
      this.seen.add(key);
      this.out.push({ seriesId, bucket });
    }
  }
}
