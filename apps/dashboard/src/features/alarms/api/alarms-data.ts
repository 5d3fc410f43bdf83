/** Pure alarm list operations (unit-tested). */
import type { AlarmInfo } from '@dcfleet/contracts';
import type { AlarmView } from './alarms-api';

const SEVERITY_RANK = { critical: 0, warning: 1 } as const;

/** Active view: critical first, then newest; history: newest first. */
export function sortAlarms(list: readonly AlarmInfo[], view: AlarmView): AlarmInfo[] {
  return [...list].sort((a, b) => {
    if (view === 'active') {
      const s = (SEVERITY_RANK[a.severity] ?? 2) - (SEVERITY_RANK[b.severity] ?? 2);
      if (s) return s;
    }
    return Date.parse(b.raisedAt) - Date.parse(a.raisedAt) || b.id - a.id;
  });
}

/**
 * A raised, acknowledged or cleared alarm folded into a list: replaced by id (or added); the active view
 * drops cleared alarms. Undefined (not loaded yet) stays undefined: the first fetch will include it.
 */
export function upsertAlarm(
  list: AlarmInfo[] | undefined,
  alarm: AlarmInfo,
  view: AlarmView,
): AlarmInfo[] | undefined {
  if (!list) return undefined;
  const rest = list.filter((a) => a.id !== alarm.id);
  if (view === 'active' && alarm.state !== 'active') return rest.length === list.length ? list : rest;
  return sortAlarms([...rest, alarm], view);
}

/** Counts per severity of the alarms still active. */
export function countActive(list: readonly AlarmInfo[]): {
  critical: number;
  warning: number;
  unacknowledged: number;
} {
  let critical = 0;
  let warning = 0;
  let unacknowledged = 0;
  for (const a of list) {
    if (a.state !== 'active') continue;
    if (a.severity === 'critical') critical++;
    else warning++;
    if (!a.acknowledgedAt) unacknowledged++;
  }
  return { critical, warning, unacknowledged };
}

/** What the fleet shows per site: active alarms by severity and how many nobody has acknowledged yet. */
export interface SiteAlarmCounts {
  critical: number;
  warning: number;
  unacknowledged: number;
}

/** A site without active alarms. */
export const NO_ALARMS: SiteAlarmCounts = Object.freeze({ critical: 0, warning: 0, unacknowledged: 0 });

/**
 * Active-alarm counts per site code, from the alarms list (the snapshot's `activeAlarms` has neither severity
 * nor acknowledgement, so an acknowledged alarm would keep a red "1").
 */
export function countBySite(list: readonly AlarmInfo[]): Map<string, SiteAlarmCounts> {
  const bySite = new Map<string, AlarmInfo[]>();
  for (const a of list) {
    if (a.state !== 'active') continue;
    bySite.set(a.datacenter, [...(bySite.get(a.datacenter) ?? []), a]);
  }
  return new Map([...bySite].map(([code, alarms]) => [code, countActive(alarms)]));
}

/** The sum of per-site counts (the fleet KPI over the sites in view). */
export function sumCounts(counts: Iterable<SiteAlarmCounts | undefined>): SiteAlarmCounts {
  const total = { critical: 0, warning: 0, unacknowledged: 0 };
  for (const c of counts) {
    if (!c) continue;
    total.critical += c.critical;
    total.warning += c.warning;
    total.unacknowledged += c.unacknowledged;
  }
  return total;
}

/** How loud a count is: red only for unacknowledged critical alarms, amber for other unacknowledged ones. */
export function countTone(c: SiteAlarmCounts | undefined): 'critical' | 'warning' | 'quiet' | 'none' {
  if (!c || c.critical + c.warning === 0) return 'none';
  if (c.unacknowledged === 0) return 'quiet';
  return c.critical > 0 ? 'critical' : 'warning';
}
