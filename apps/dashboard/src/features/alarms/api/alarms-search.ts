/**
 * The alarms page's URL state: `#/alarms` (active) or `#/alarms?view=all` (history), narrowed by site, severity,
 * acknowledgement state and rule kind (`#/alarms?site=GZ-GA-01&severity=critical&state=unacked&rule=inlet_temp`).
 */
import { ALARM_RULE_KINDS, ALARM_SEVERITIES, type AlarmInfo, type AlarmSeverity } from '@dcfleet/contracts';
import type { AlarmView } from './alarms-api';

export const ALARM_STATE_FILTERS = ['unacked', 'acked', 'cleared'] as const;
export type AlarmStateFilter = (typeof ALARM_STATE_FILTERS)[number];
export type AlarmRuleFilter = (typeof ALARM_RULE_KINDS)[number];

export interface AlarmsSearch {
  view?: 'all';
  site?: string;
  severity?: AlarmSeverity;
  state?: AlarmStateFilter;
  rule?: AlarmRuleFilter;
}

function oneOf<T extends string>(values: readonly T[], raw: unknown): T | undefined {
  return values.find((v) => v === raw);
}

/** The route's validateSearch (every key returned: the router lays the result over the raw search). */
export function alarmsSearch(raw: Record<string, unknown>): AlarmsSearch {
  const site = typeof raw.site === 'string' && raw.site.trim() ? raw.site.trim() : undefined;
  return {
    view: raw.view === 'all' ? 'all' : undefined,
    site,
    severity: oneOf(ALARM_SEVERITIES, raw.severity),
    state: oneOf(ALARM_STATE_FILTERS, raw.state),
    rule: oneOf(ALARM_RULE_KINDS, raw.rule),
  };
}

export function alarmView(search: AlarmsSearch): AlarmView {
  return search.view === 'all' ? 'all' : 'active';
}

/** The alarms the filters let through (the API answers the whole view; the list is small enough to filter here). */
export function filterAlarms(list: readonly AlarmInfo[], f: AlarmsSearch): AlarmInfo[] {
  return list.filter(
    (a) =>
      (!f.site || a.datacenter === f.site) &&
      (!f.severity || a.severity === f.severity) &&
      (!f.rule || a.rule === f.rule) &&
      (!f.state ||
        (f.state === 'cleared'
          ? a.state === 'cleared'
          : a.state === 'active' && (f.state === 'acked') === Boolean(a.acknowledgedAt))),
  );
}
