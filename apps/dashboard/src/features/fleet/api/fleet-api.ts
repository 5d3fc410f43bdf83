import { API_PREFIX, type DataCenterWithSnapshot, type SeriesResponse } from '@dcfleet/contracts';
import { queryOptions } from '@tanstack/react-query';
import { request } from '../../../api/client';
import { createLimiter } from '../../../lib/limiter';
import type { TrendPoint } from './fleet-data';

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

/** A tile's IT-load trend: the last 2 h at 1-minute resolution, extended by live updates. */
export const trendQuery = (code: string) =>
  queryOptions({
    queryKey: ['trend', code],
    queryFn: ({ signal }) => fetchTrend(code, signal),
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

/** Trend requests of the tiles: a few at a time, so other pages' requests never queue behind 25 of them. */
const trendLimit = createLimiter(3);

/** The last two hours of IT power at 1-minute resolution, as (t, value) pairs with nulls for gaps. */
export function fetchTrend(code: string, signal: AbortSignal): Promise<TrendPoint[]> {
  return trendLimit(signal, () => fetchTrendNow(code, signal, Date.now()));
}

async function fetchTrendNow(code: string, signal: AbortSignal, now: number): Promise<TrendPoint[]> {
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
