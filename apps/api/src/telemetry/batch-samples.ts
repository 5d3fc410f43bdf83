import type { BatchInput, SeriesRow } from './telemetry-store';

/**
 * Steps of writing a batch that do not depend on the dialect: the series id of each sample once the batch's new
 * series exist, the (series, ts) keys to look up for samples that may already be stored, and the receipt's values.
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

/**
 * The receipt's values for the columns site_id … idempotency_key, in the order both stores' INSERT INTO receipts
 * lists them (`link`: the batch's link in its site's chain, nextChainLink).
 */
export function receiptColumns(
  input: BatchInput,
  link: { seq: number; prevHash: string; hash: string },
): (string | number | null)[] {
  return [
    input.siteId,
    link.seq,
    input.tokenId,
    input.accepted,
    input.rejected,
    input.contentHash,
    link.prevHash,
    link.hash,
    input.minTs,
    input.maxTs,
    input.idempotencyKey,
  ];
}
