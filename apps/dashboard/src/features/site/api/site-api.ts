import { API_PREFIX, type SeriesResponse, type SeriesStep } from '@dcfleet/contracts';
import { request } from '../../../api/client';

/** Cache keys (the live socket fills `live/<code>`; a resync invalidates `series/<code>/`). */
export const liveKey = (code: string) => `live/${code}`;
export const seriesPrefix = (code: string) => `series/${code}/`;
export const seriesKey = (code: string, metric: string, windowKey: string) =>
  `series/${code}/${metric}/${windowKey}`;

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
