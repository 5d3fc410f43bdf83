import { useQuery } from '@tanstack/react-query';
import { alarmsQuery, type AlarmView } from '../api/alarms-api';

export const useAlarmsQuery = (view: AlarmView) => useQuery(alarmsQuery(view));
