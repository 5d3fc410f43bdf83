import { useQueries, useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { SeriesResponse } from '@dcfleet/contracts';
import type { RangeSelection, TimeWindow } from '../api/time-range';
import type { LiveSample } from '../api/live-data';
import { liveSamplesQuery, seriesQuery } from '../api/site-api';

export type SeriesQueries = Readonly<Record<string, UseQueryResult<SeriesResponse>>>;

/** Each metric of a site over the selected window, by metric name. */
export function useSeriesQueries(
  code: string,
  metrics: readonly string[],
  selection: RangeSelection,
  window: TimeWindow,
): SeriesQueries {
  return useQueries({
    queries: metrics.map((metric) => seriesQuery(code, metric, selection, window)),
    combine: (results) => Object.fromEntries(metrics.map((metric, i) => [metric, results[i]!])),
  });
}

export function useLiveSamples(code: string): readonly LiveSample[] {
  return useQuery(liveSamplesQuery(code)).data;
}
