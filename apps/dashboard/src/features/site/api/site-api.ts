import {
  API_PREFIX,
  type AlarmInfo,
  type AlarmRuleInfo,
  type SeriesResponse,
  type SeriesStep,
} from '@dcfleet/contracts';
import { queryOptions } from '@tanstack/react-query';
import { request } from '../../../api/client';
import { resolveWindow, type RangeSelection, type TimeWindow } from './time-range';
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

const UNREPORTED_REFETCH_MS = 60_000;

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
    // A metric the site does not report (yet: a new site's first samples) is asked again each minute, so its
    // chart does not say "does not report" for good on a range that never refetches.
    refetchInterval: (query) =>
      query.state.data?.series.length === 0
        ? Math.min(UNREPORTED_REFETCH_MS, REFETCH_MS[window.range] || Infinity)
        : REFETCH_MS[window.range],
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

/**
 * The alarm rules that can apply to a site (admins and operators; regulators get 403 and see the built-in
 * defaults). Keyed under the admin rules list, so saving a rule on the admin page refreshes the bands too.
 */
export const siteAlarmRulesQuery = (code: string) =>
  queryOptions({
    queryKey: ['admin', 'alarm-rules', 'site', code],
    queryFn: ({ signal }) =>
      request<AlarmRuleInfo[]>(`${API_PREFIX}/alarm-rules?datacenter=${encodeURIComponent(code)}`, {
        signal,
      }),
    staleTime: 30_000,
  });

/** How many of a site's most recent alarms the charts shade (the API's page size is at most 5000). */
const SITE_ALARMS_LIMIT = 1000;

/**
 * A site's recent alarms, active and cleared, for the chart annotations. Under the alarms key, so a resync of
 * the alarms room refreshes it.
 */
export const siteAlarmsQuery = (code: string) =>
  queryOptions({
    queryKey: ['alarms', 'site', code],
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({
        state: 'all',
        datacenter: code,
        limit: String(SITE_ALARMS_LIMIT),
      });
      return request<AlarmInfo[]>(`${API_PREFIX}/alarms?${params}`, { signal });
    },
    staleTime: 15_000,
    refetchInterval: 60_000,
  });
