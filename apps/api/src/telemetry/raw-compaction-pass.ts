import {
  batchRow,
  planCompaction,
  type BatchDbRow,
  type CompactionPlan,
  type MaintainStats,
} from './raw-layout';

/** A compactable `raw_batches` row (rolled up, below the site's horizon), in min_ts order: key and sample count. */
export interface CompactableBatch {
  receipt_id: number;
  samples: number;
}

/**
 * The batches of one site's compaction pass, bounded: the first compactable ones in min_ts order up to `maxSamples`
 * samples, the batch that reaches it included (the rest waits for the next pass, which `stats.more` asks for soon).
 * Only these batches' payloads are read then: a pass used to read every compactable payload of the site and decode
 * a few, so a site an hour or more behind had most of its level 0 read again by each pass (issue #13).
 */
export function takeForPass(
  rows: readonly CompactableBatch[],
  maxSamples: number,
  stats: MaintainStats,
): number[] {
  const ids: number[] = [];
  let samples = 0;
  for (const r of rows) {
    ids.push(r.receipt_id);
    samples += r.samples;
    if (samples >= maxSamples) {
      stats.more = true;
      break;
    }
  }
  return ids;
}

/** The pass's plan from the taken batches (any order: samples are merged by batch sequence), up to `horizon`. */
export function planSiteCompaction(rows: readonly BatchDbRow[], horizon: number): CompactionPlan {
  return planCompaction(rows.map(batchRow), horizon);
}

/** Counts a compaction pass whose chunks are written and whose batches are dropped or advanced. */
export function countCompaction(stats: MaintainStats, plan: CompactionPlan): void {
  stats.batchesCompacted += plan.drop.length;
  stats.samplesCompacted += plan.samples;
}
