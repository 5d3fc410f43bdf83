/** Pure functions that fold `dc:update` events into the site snapshot and the live chart buffer. */
import type { DataCenterWithSnapshot, DcUpdate } from '@dcfleet/contracts';

/** One dc:update, kept for the live charts: event time and the values by series key. */
export interface LiveSample {
  t: number;
  values: Record<string, number>;
}

/** How much live data the site page keeps (the 'live' range shows the last hour). */
export const LIVE_BUFFER_MS = 65 * 60_000;

/** Splits a dc:update key (`inlet_temp_c{"zone":"A1"}`) into the metric and its labels. */
export function parseSeriesKey(key: string): { metric: string; labels: Record<string, string> } {
  const i = key.indexOf('{');
  if (i < 0) return { metric: key, labels: {} };
  try {
    const labels = JSON.parse(key.slice(i)) as Record<string, string>;
    return { metric: key.slice(0, i), labels: labels && typeof labels === 'object' ? labels : {} };
  } catch {
    return { metric: key.slice(0, i), labels: {} };
  }
}

/**
 * The snapshot after a dc:update: newer values replace older ones (a late batch with old timestamps does not
 * roll the "now" figures back), live PUE is recomputed, the hottest inlet follows the zone readings.
 */
export function applyDcUpdate(
  site: DataCenterWithSnapshot | undefined,
  u: DcUpdate,
): DataCenterWithSnapshot | undefined {
  if (!site || site.code !== u.code) return site;
  const s = site.snapshot;
  const ts = Date.parse(u.ts);
  const last = s.lastSampleAt ? Date.parse(s.lastSampleAt) : -Infinity;
  if (!(ts >= last)) return site;
  const values = { ...s.values };
  let hottest: { c: number; zone: string | null } | null = null;
  for (const [key, value] of Object.entries(u.values)) {
    const { metric, labels } = parseSeriesKey(key);
    if (Object.keys(labels).length === 0) values[metric] = value;
    if (metric === 'inlet_temp_c' && (!hottest || value > hottest.c))
      hottest = { c: value, zone: labels.zone ?? null };
  }
  const facility = u.values.facility_power_kw ?? s.facilityPowerKw;
  const it = u.values.it_power_kw ?? s.itPowerKw;
  const pue = facility !== null && it !== null && it > 0 ? facility / it : s.livePue;
  return {
    ...site,
    snapshot: {
      ...s,
      status: 'online',
      lastSampleAt: new Date(ts).toISOString(),
      facilityPowerKw: facility,
      itPowerKw: it,
      livePue: pue,
      hottestInletC: hottest ? hottest.c : s.hottestInletC,
      hottestInletZone: hottest ? hottest.zone : s.hottestInletZone,
      values,
    },
  };
}

/** Adds a dc:update to the live buffer (sorted by time, merged on equal time, trimmed to the window). */
export function appendLive(
  buffer: LiveSample[] | undefined,
  u: DcUpdate,
  windowMs = LIVE_BUFFER_MS,
): LiveSample[] {
  const t = Date.parse(u.ts);
  const list = buffer ?? [];
  if (!Number.isFinite(t)) return list;
  const newest = Math.max(t, list.length ? list[list.length - 1]!.t : t);
  const from = newest - windowMs;
  if (t < from) return list;
  const kept = list.filter((s) => s.t >= from);
  const same = kept.findIndex((s) => s.t === t);
  if (same >= 0) {
    kept[same] = { t, values: { ...kept[same]!.values, ...u.values } };
    return kept;
  }
  kept.push({ t, values: { ...u.values } });
  // Usually already in order; a late batch is put in its place.
  if (kept.length > 1 && kept[kept.length - 2]!.t > t) kept.sort((a, b) => a.t - b.t);
  return kept;
}
