import type { SeriesResponse } from '@dcfleet/contracts';
import { useCacheEntry, useQuery, type QueryResult } from '../../../api/query-cache';
import { resolveWindow, type RangeSelection, type TimeWindow } from '../api/chart-data';
import type { LiveSample } from '../api/live-data';
import { fetchSeries, liveKey, seriesKey } from '../api/site-api';

/** How often a relative range refetches while it is on screen (live: realign the live tail with the rollups). */
const REFETCH_MS: Record<TimeWindow['range'], number | undefined> = {
  live: 5 * 60_000,
  '1h': 60_000,
  '24h': 5 * 60_000,
  '7d': 15 * 60_000,
  '30d': undefined,
  '1y': undefined,
  custom: undefined,
};

/**
 * One metric of a site over the selected window. Relative windows are resolved at fetch time (so a refetch
 * slides them forward); the cache key names the range, not the instant.
 */
export function useSeriesQuery(
  code: string,
  metric: string,
  selection: RangeSelection,
  window: TimeWindow,
): QueryResult<SeriesResponse> {
  return useQuery(
    seriesKey(code, metric, `${window.key}:${window.step}`),
    (signal) => {
      const w = resolveWindow(selection, Date.now());
      return fetchSeries(code, { metric, from: w.from, to: w.to, step: w.step }, signal);
    },
    { refetchIntervalMs: REFETCH_MS[window.range], staleMs: 15_000 },
  );
}

/** The dc:update samples received for a site since its page opened (filled by the live socket). */
export function useLiveSamples(code: string): readonly LiveSample[] {
  return useCacheEntry<LiveSample[]>(liveKey(code)) ?? EMPTY;
}

const EMPTY: readonly LiveSample[] = [];
