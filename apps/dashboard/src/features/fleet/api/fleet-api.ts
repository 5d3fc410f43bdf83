import { API_PREFIX, type DataCenterWithSnapshot, type SparklinesResponse } from '@dcfleet/contracts';
import { queryOptions } from '@tanstack/react-query';
import { request } from '../../../api/client';
import { trendsFromSparklines, type Trends } from './fleet-data';

/**
 * Every site with its live snapshot. The fleet room's `fleet:update` events keep the same cache entry current
 * (the live socket writes to these keys); the slow poll is only a safety net (e.g. sites that turn stale
 * without sending anything).
 */
export const fleetQuery = () =>
  queryOptions({
    queryKey: ['datacenters'],
    queryFn: ({ signal }) => fetchFleet(signal),
    staleTime: 5_000,
    refetchInterval: 60_000,
  });

/** One site's metadata and live snapshot (kept current by `dc:update` and `fleet:update`). */
export const siteQuery = (code: string) =>
  queryOptions({
    queryKey: ['datacenter', code],
    queryFn: ({ signal }) => fetchSite(code, signal),
    refetchInterval: 60_000,
  });

/**
 * Every tile's IT-load trend, fetched in one request: the last 2 h at 1-minute resolution, extended by live
 * updates. Tiles read their own line with `select`.
 */
export const trendsQuery = () =>
  queryOptions({
    queryKey: ['trends'],
    queryFn: ({ signal }) => fetchTrends(signal),
    staleTime: 60_000,
    refetchInterval: 10 * 60_000,
  });

/** How far back a tile's trend line reaches. */
export const TREND_WINDOW_MS = 2 * 3_600_000;

export function fetchFleet(signal: AbortSignal): Promise<DataCenterWithSnapshot[]> {
  return request<DataCenterWithSnapshot[]>(`${API_PREFIX}/datacenters`, { signal });
}

export function fetchSite(code: string, signal: AbortSignal): Promise<DataCenterWithSnapshot> {
  return request<DataCenterWithSnapshot>(`${API_PREFIX}/datacenters/${encodeURIComponent(code)}`, { signal });
}

/** The last two hours of IT power of every site in scope, per site code. */
export async function fetchTrends(signal: AbortSignal): Promise<Trends> {
  const params = new URLSearchParams({ metric: 'it_power_kw', minutes: String(TREND_WINDOW_MS / 60_000) });
  return trendsFromSparklines(
    await request<SparklinesResponse>(`${API_PREFIX}/datacenters/sparklines?${params}`, { signal }),
  );
}
