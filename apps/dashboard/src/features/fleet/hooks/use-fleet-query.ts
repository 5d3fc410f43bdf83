import type { DataCenterWithSnapshot } from '@dcfleet/contracts';
import { useQuery, type QueryResult } from '../../../api/query-cache';
import { fetchFleet, fetchSite, fetchTrend, FLEET_KEY, siteKey, trendKey } from '../api/fleet-api';
import type { TrendPoint } from '../api/fleet-data';

/**
 * Every site with its live snapshot. The fleet room's `fleet:update` events keep the same cache entry
 * current; the slow poll is only a safety net (e.g. sites that turn stale without sending anything).
 */
export function useFleetQuery(): QueryResult<DataCenterWithSnapshot[]> {
  return useQuery(FLEET_KEY, fetchFleet, { refetchIntervalMs: 60_000, staleMs: 5_000 });
}

/** One site's metadata and live snapshot (kept current by `dc:update` and `fleet:update`). */
export function useSiteQuery(code: string): QueryResult<DataCenterWithSnapshot> {
  return useQuery(siteKey(code), (signal) => fetchSite(code, signal), { refetchIntervalMs: 60_000 });
}

/** A tile's IT-load trend: the last 2 h at 1-minute resolution, extended by live updates. */
export function useTrendQuery(code: string): QueryResult<TrendPoint[]> {
  return useQuery(trendKey(code), (signal) => fetchTrend(code, signal), {
    refetchIntervalMs: 10 * 60_000,
    staleMs: 60_000,
  });
}
