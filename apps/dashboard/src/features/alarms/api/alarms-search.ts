/** The alarms page's URL state: `#/alarms` (active) or `#/alarms?view=all` (history). */
import type { AlarmView } from './alarms-api';

export interface AlarmsSearch {
  view?: 'all';
}

/** The route's validateSearch (every key returned: the router lays the result over the raw search). */
export function alarmsSearch(raw: Record<string, unknown>): AlarmsSearch {
  return { view: raw.view === 'all' ? 'all' : undefined };
}

export function alarmView(search: AlarmsSearch): AlarmView {
  return search.view === 'all' ? 'all' : 'active';
}
