import {
  batchRow,
  planCompaction,
  type BatchDbRow,
  type BatchRow,
  type CompactionPlan,
  type MaintainStats,
} from './raw-layout';

/** A compactable `raw_batches` row (rolled up, below the site's horizon) with its sample count. */
export type CompactableDbRow = BatchDbRow & { samples: number };

/**
 * One site's compaction pass, bounded: the site's compactable batches in min_ts order, up to `maxSamples` samples
 * (the rest waits for the next pass, which `stats.more` asks for soon), planned up to `horizon`.
 */
export function planSiteCompaction(
  rows: readonly CompactableDbRow[],
  horizon: number,
  maxSamples: number,
  stats: MaintainStats,
): CompactionPlan {
  const take: BatchRow[] = [];
  let samples = 0;
  for (const r of rows) {
    take.push(batchRow(r));
    samples += r.samples;
    if (samples >= maxSamples) {
      stats.more = true;
      break;
    }
  }
  return planCompaction(take, horizon);
}

/** Counts a compaction pass whose chunks are written and whose batches are dropped or advanced. */
export function countCompaction(stats: MaintainStats, plan: CompactionPlan): void {
  stats.batchesCompacted += plan.drop.length;
  stats.samplesCompacted += plan.samples;
}
