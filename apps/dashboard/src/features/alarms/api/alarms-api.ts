import { API_PREFIX, type AlarmInfo } from '@dcfleet/contracts';
import { queryOptions } from '@tanstack/react-query';
import { request } from '../../../api/client';
import { sortAlarms } from './alarms-data';

export type AlarmView = 'active' | 'all';

/** Both alarm lists: a resync of the alarms room invalidates them. */
export const ALARMS_KEY = ['alarms'] as const;

/** Active alarms or the whole history; live `alarm` events upsert into the same cache entries. */
export const alarmsQuery = (view: AlarmView) =>
  queryOptions({
    queryKey: [...ALARMS_KEY, view],
    queryFn: async ({ signal }) => sortAlarms(await fetchAlarms(view, signal), view),
    staleTime: 10_000,
    refetchInterval: 2 * 60_000,
  });

/** The API may answer with a bare array or `{ alarms: [...] }`. */
export function normalizeAlarms(body: unknown): AlarmInfo[] {
  if (Array.isArray(body)) return body as AlarmInfo[];
  if (body && typeof body === 'object') {
    const inner =
      (body as { alarms?: unknown; items?: unknown }).alarms ?? (body as { items?: unknown }).items;
    if (Array.isArray(inner)) return inner as AlarmInfo[];
  }
  return [];
}

export async function fetchAlarms(view: AlarmView, signal: AbortSignal): Promise<AlarmInfo[]> {
  return normalizeAlarms(await request<unknown>(`${API_PREFIX}/alarms?state=${view}`, { signal }));
}

/** POST /api/v1/alarms/:id/ack; returns the updated alarm when the API sends it back. */
export async function acknowledgeAlarm(id: number, note: string): Promise<AlarmInfo | null> {
  const body = await request<unknown>(`${API_PREFIX}/alarms/${id}/ack`, { method: 'POST', body: { note } });
  if (body && typeof body === 'object' && 'id' in body && 'state' in body) return body as AlarmInfo;
  const inner = body && typeof body === 'object' ? (body as { alarm?: unknown }).alarm : undefined;
  return inner && typeof inner === 'object' ? (inner as AlarmInfo) : null;
}
