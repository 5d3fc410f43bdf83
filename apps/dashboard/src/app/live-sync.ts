/**
 * Wires the live socket into the query cache: every live event updates the same cache entries the REST
 * queries fill, so tiles, site pages and alarm lists never disagree.
 */
import type { DataCenterWithSnapshot, SiteSnapshot } from '@dcfleet/contracts';
import { LiveClient, type LiveSink } from '../api/live';
import { queryCache } from '../api/query-cache';
import { accessToken, loadSession } from '../api/session';
import { ALARMS_PREFIX, alarmsKey } from '../features/alarms/api/alarms-api';
import { upsertAlarm } from '../features/alarms/api/alarms-data';
import { FLEET_KEY, siteKey, TREND_WINDOW_MS, trendKey } from '../features/fleet/api/fleet-api';
import { appendTrend, mergeSnapshots, type TrendPoint } from '../features/fleet/api/fleet-data';
import { RATING_PREFIX, RATINGS_PREFIX } from '../features/ratings/api/ratings-api';
import { liveKey, seriesPrefix } from '../features/site/api/site-api';
import { appendLive, applyDcUpdate, type LiveSample } from '../features/site/api/live-data';
import { canSeeAlarms } from '../routing/access';

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the socket refuses the session's token. */
export function onLiveUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function applySnapshots(snapshots: readonly SiteSnapshot[]): void {
  if (snapshots.length === 0) return;
  let unknown: string[] = [];
  queryCache.setData<DataCenterWithSnapshot[]>(FLEET_KEY, (list) => {
    const merged = mergeSnapshots(list, snapshots);
    unknown = list ? merged.unknown : [];
    return merged.list;
  });
  for (const snap of snapshots) {
    queryCache.setData<DataCenterWithSnapshot>(siteKey(snap.code), (site) =>
      site ? { ...site, snapshot: snap } : site,
    );
    if (snap.lastSampleAt && snap.itPowerKw !== null) {
      const point: TrendPoint = { t: Date.parse(snap.lastSampleAt), v: snap.itPowerKw };
      queryCache.setData<TrendPoint[]>(trendKey(snap.code), (pts) =>
        appendTrend(pts, point, TREND_WINDOW_MS),
      );
    }
  }
  // A site registered after the list was loaded: fetch the list again to get its metadata.
  if (unknown.length) queryCache.invalidate(FLEET_KEY);
}

const sink: LiveSink = {
  fleetSnapshot: applySnapshots,
  fleetUpdate: (u) => applySnapshots(u.sites),
  dcSnapshot: (code, snapshot) => {
    if (snapshot)
      queryCache.setData<DataCenterWithSnapshot>(siteKey(code), (site) =>
        site ? { ...site, snapshot } : site,
      );
  },
  dcUpdate: (u) => {
    queryCache.setData<DataCenterWithSnapshot>(siteKey(u.code), (site) => applyDcUpdate(site, u));
    queryCache.setData<LiveSample[]>(liveKey(u.code), (buffer) => appendLive(buffer, u));
  },
  dcResync: (code) => {
    queryCache.setData<LiveSample[]>(liveKey(code), () => []);
    queryCache.invalidate(seriesPrefix(code));
    queryCache.invalidate(siteKey(code));
  },
  alarm: (e) => {
    queryCache.setData(alarmsKey('active'), (list: ReturnType<typeof upsertAlarm>) =>
      upsertAlarm(list, e.alarm, 'active'),
    );
    queryCache.setData(alarmsKey('all'), (list: ReturnType<typeof upsertAlarm>) =>
      upsertAlarm(list, e.alarm, 'all'),
    );
  },
  alarmsResync: () => queryCache.invalidate(ALARMS_PREFIX),
  ratingRevised: (e) => {
    queryCache.invalidate(`${RATINGS_PREFIX}${e.year}`);
    queryCache.invalidate(`${RATING_PREFIX}${e.code}/${e.year}`);
  },
  ratingsResync: () => {
    queryCache.invalidate(RATINGS_PREFIX);
    queryCache.invalidate(RATING_PREFIX);
  },
};

export const live = new LiveClient(sink, {
  token: accessToken,
  onUnauthorized: () => unauthorizedListeners.forEach((l) => l()),
  alarms: () => {
    const role = loadSession()?.user.role;
    return role ? canSeeAlarms(role) : false;
  },
});
