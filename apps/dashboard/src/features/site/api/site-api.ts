import { API_PREFIX, type SeriesResponse, type SeriesStep } from '@dcfleet/contracts';
import { queryOptions } from '@tanstack/react-query';
import { request } from '../../../api/client';
import { resolveWindow, type RangeSelection, type TimeWindow } from './chart-data';
import type { LiveSample } from './live-data';

/** How often a relative range refetches while it is on screen (live: realign the live tail with the rollups). */
const REFETCH_MS: Record<TimeWindow['range'], number | false> = {
  live: 5 * 60_000,
  '1h': 60_000,
  '24h': 5 * 60_000,
  '7d': 15 * 60_000,
  '30d': false,
  '1y': false,
  custom: false,
};

/** Every series of a site: a live resync invalidates them all. */
export const seriesPrefix = (code: string) => ['series', code] as const;

/**
 * One metric of a site over the selected window. Relative windows are resolved at fetch time (so a refetch
 * slides them forward); the cache key names the range, not the instant.
 */
export const seriesQuery = (code: string, metric: string, selection: RangeSelection, window: TimeWindow) =>
  queryOptions({
    queryKey: [...seriesPrefix(code), metric, `${window.key}:${window.step}`],
    queryFn: ({ signal }) => {
      const w = resolveWindow(selection, Date.now());
      return fetchSeries(code, { metric, from: w.from, to: w.to, step: w.step }, signal);
    },
    staleTime: 15_000,
    refetchInterval: REFETCH_MS[window.range],
  });

const NO_SAMPLES: LiveSample[] = [];

/**
 * The dc:update samples received for a site since its page opened. Only the live socket writes this entry
 * (setQueryData); the query itself never fetches.
 */
export const liveSamplesQuery = (code: string) =>
  queryOptions({
    queryKey: ['live', code],
    queryFn: () => NO_SAMPLES,
    initialData: NO_SAMPLES,
    staleTime: Infinity,
  });

export interface SeriesParams {
  metric: string;
  from: number;
  to: number;
  step: SeriesStep;
}

export function fetchSeries(code: string, p: SeriesParams, signal: AbortSignal): Promise<SeriesResponse> {
  const params = new URLSearchParams({
    metric: p.metric,
    from: new Date(p.from).toISOString(),
    to: new Date(p.to).toISOString(),
    step: p.step,
  });
  return request<SeriesResponse>(`${API_PREFIX}/datacenters/${encodeURIComponent(code)}/series?${params}`, {
    signal,
  });
}
