/**
 * Wires the live socket into the query cache: every live event updates the same cache entries the REST
 * queries fill (setQueryData), and a room that cannot be resumed invalidates what was built from its events,
 * so tiles, site pages and alarm lists never disagree.
 */
import type { SiteSnapshot } from '@dcfleet/contracts';
import type { QueryClient } from '@tanstack/react-query';
import { LiveClient, type LiveSink } from '../api/live';
import { accessToken, loadSession } from '../api/session';
import { ALARMS_KEY, alarmsQuery } from '../features/alarms/api/alarms-api';
import { upsertAlarm } from '../features/alarms/api/alarms-data';
import { fleetQuery, siteQuery, TREND_WINDOW_MS, trendsQuery } from '../features/fleet/api/fleet-api';
import { appendTrends, mergeSnapshots, type TrendPoint } from '../features/fleet/api/fleet-data';
import { RATING_KEY, RATINGS_KEY } from '../features/ratings/api/ratings-api';
import { appendLive, applyDcUpdate } from '../features/site/api/live-data';
import { liveSamplesQuery, seriesPrefix } from '../features/site/api/site-api';
import { canSeeAlarms } from '../routing/access';

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the socket refuses the session's token. */
export function onLiveUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** Where each live event lands in the cache. */
export function createLiveSink(queryClient: QueryClient): LiveSink {
  const invalidate = (queryKey: readonly unknown[]) => void queryClient.invalidateQueries({ queryKey });

  function applySnapshots(snapshots: readonly SiteSnapshot[]): void {
    if (snapshots.length === 0) return;
    let unknown: string[] = [];
    queryClient.setQueryData(fleetQuery().queryKey, (list) => {
      const merged = mergeSnapshots(list, snapshots);
      unknown = list ? merged.unknown : [];
      return merged.list;
    });
    const points = new Map<string, TrendPoint>();
    for (const snap of snapshots) {
      queryClient.setQueryData(siteQuery(snap.code).queryKey, (site) =>
        site ? { ...site, snapshot: snap } : site,
      );
      if (snap.lastSampleAt && snap.itPowerKw !== null)
        points.set(snap.code, { t: Date.parse(snap.lastSampleAt), v: snap.itPowerKw });
    }
    // One write for the whole batch: every tile's `select` reads the same entry.
    if (points.size)
      queryClient.setQueryData(trendsQuery().queryKey, (all) => appendTrends(all, points, TREND_WINDOW_MS));
    // A site registered after the list was loaded: fetch the list again to get its metadata.
    if (unknown.length) invalidate(fleetQuery().queryKey);
  }

  return {
    fleetSnapshot: applySnapshots,
    fleetUpdate: (u) => applySnapshots(u.sites),
    dcSnapshot: (code, snapshot) => {
      if (snapshot)
        queryClient.setQueryData(siteQuery(code).queryKey, (site) => (site ? { ...site, snapshot } : site));
    },
    dcUpdate: (u) => {
      queryClient.setQueryData(siteQuery(u.code).queryKey, (site) => applyDcUpdate(site, u));
      queryClient.setQueryData(liveSamplesQuery(u.code).queryKey, (buffer) => appendLive(buffer, u));
    },
    dcResync: (code) => {
      queryClient.setQueryData(liveSamplesQuery(code).queryKey, []);
      invalidate(seriesPrefix(code));
      invalidate(siteQuery(code).queryKey);
    },
    alarm: (e) => {
      for (const view of ['active', 'all'] as const) {
        queryClient.setQueryData(alarmsQuery(view).queryKey, (list) => upsertAlarm(list, e.alarm, view));
      }
    },
    alarmsResync: () => invalidate(ALARMS_KEY),
    ratingRevised: (e) => {
      invalidate([...RATINGS_KEY, e.year]);
      invalidate([...RATING_KEY, e.code, e.year]);
    },
    ratingsResync: () => {
      invalidate(RATINGS_KEY);
      invalidate(RATING_KEY);
    },
  };
}

/** The session's live client, feeding the given cache. */
export function createLiveClient(queryClient: QueryClient): LiveClient {
  return new LiveClient(createLiveSink(queryClient), {
    token: accessToken,
    onUnauthorized: () => unauthorizedListeners.forEach((l) => l()),
    alarms: () => {
      const role = loadSession()?.user.role;
      return role ? canSeeAlarms(role) : false;
    },
  });
}
