import { useQuery } from '@tanstack/react-query';
import type { RangeSelection, TimeWindow } from '../api/chart-data';
import type { LiveSample } from '../api/live-data';
import { liveSamplesQuery, seriesQuery } from '../api/site-api';

export const useSeriesQuery = (code: string, metric: string, selection: RangeSelection, window: TimeWindow) =>
  useQuery(seriesQuery(code, metric, selection, window));

export function useLiveSamples(code: string): readonly LiveSample[] {
  return useQuery(liveSamplesQuery(code)).data;
}
