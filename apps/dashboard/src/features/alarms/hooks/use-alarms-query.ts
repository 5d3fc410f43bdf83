import type { AlarmInfo } from '@dcfleet/contracts';
import { useQuery, type QueryResult } from '../../../api/query-cache';
import { alarmsKey, fetchAlarms, type AlarmView } from '../api/alarms-api';
import { sortAlarms } from '../api/alarms-data';

/** Active alarms or the whole history; live `alarm` events upsert into the same cache entries. */
export function useAlarmsQuery(view: AlarmView): QueryResult<AlarmInfo[]> {
  return useQuery(alarmsKey(view), async (signal) => sortAlarms(await fetchAlarms(view, signal), view), {
    refetchIntervalMs: 2 * 60_000,
    staleMs: 10_000,
  });
}
