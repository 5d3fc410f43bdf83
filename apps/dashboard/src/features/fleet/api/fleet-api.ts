import { API_PREFIX, type DataCenterWithSnapshot, type SeriesResponse } from '@dcfleet/contracts';
import { request } from '../../../api/client';
import type { TrendPoint } from './fleet-data';

/** Cache keys: the live socket updates the same entries (app/live-sync.ts). */
export const FLEET_KEY = 'datacenters';
export const siteKey = (code: string) => `datacenter/${code}`;
export const trendKey = (code: string) => `trend/${code}`;

/** How far back a tile's trend line reaches. */
export const TREND_WINDOW_MS = 2 * 3_600_000;

export function fetchFleet(signal: AbortSignal): Promise<DataCenterWithSnapshot[]> {
  return request<DataCenterWithSnapshot[]>(`${API_PREFIX}/datacenters`, { signal });
}

export function fetchSite(code: string, signal: AbortSignal): Promise<DataCenterWithSnapshot> {
  return request<DataCenterWithSnapshot>(`${API_PREFIX}/datacenters/${encodeURIComponent(code)}`, { signal });
}

/** The last two hours of IT power at 1-minute resolution, as (t, value) pairs with nulls for gaps. */
export async function fetchTrend(code: string, signal: AbortSignal, now = Date.now()): Promise<TrendPoint[]> {
  const params = new URLSearchParams({
    metric: 'it_power_kw',
    from: new Date(now - TREND_WINDOW_MS).toISOString(),
    to: new Date(now).toISOString(),
    step: '1m',
  });
  const res = await request<SeriesResponse>(
    `${API_PREFIX}/datacenters/${encodeURIComponent(code)}/series?${params}`,
    { signal },
  );
  const series = res.series.find((s) => Object.keys(s.labels).length === 0) ?? res.series[0];
  return (series?.points ?? []).map((p) => ({ t: Date.parse(p.t), v: p.avg }));
}
