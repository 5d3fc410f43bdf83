import type { SeriesRow } from './telemetry-store';

/**
 * Per-sample steps of writing a batch that do not depend on the dialect: the series id of each sample once the
 * batch's new series exist, and the (series, ts) keys to look up for samples that may already be stored.
 */

/** Resolved series id of the batch's `n` samples: `seriesRefs` holds ids, or -(1 + index into createdSeries). */
export function resolveSeriesIds(
  seriesRefs: readonly number[],
  createdSeries: readonly SeriesRow[],
  n: number,
): number[] {
  const seriesIds = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const ref = seriesRefs[i]!;
    seriesIds[i] = ref >= 0 ? ref : createdSeries[-ref - 1]!.id;
  }
  return seriesIds;
}

/** Ids of the series this batch created (no sample of theirs can be stored yet). */
export function freshSeriesIds(createdSeries: readonly SeriesRow[]): Set<number> {
  return new Set(createdSeries.map((s) => s.id));
}

/** The (series, ts) of the suspect samples (indices from suspectSamples). */
export function suspectPoints(
  suspects: readonly number[],
  seriesIds: readonly number[],
  ts: readonly number[],
): { seriesId: number; ts: number }[] {
  return suspects.map((i) => ({ seriesId: seriesIds[i]!, ts: ts[i]! }));
}
