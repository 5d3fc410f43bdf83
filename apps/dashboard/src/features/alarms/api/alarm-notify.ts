/** Pure parts of the critical-alarm notifier (unit-tested): what is new, what is unread, the tab title. */
import type { AlarmInfo } from '@dcfleet/contracts';

/** The sound toggle's localStorage key ("1" = on; off by default). */
export const SOUND_KEY = 'dcfleet.alarmSound';

/** Active critical alarms in `list` whose ids were not in `seen` (the ids known before this update). */
export function newCritical(seen: ReadonlySet<number>, list: readonly AlarmInfo[]): AlarmInfo[] {
  return list.filter((a) => a.severity === 'critical' && a.state === 'active' && !seen.has(a.id));
}

/** Unread = toasted and still active and unacknowledged: acknowledging (here or elsewhere) reads it. */
export function unreadIds(unread: ReadonlySet<number>, list: readonly AlarmInfo[]): Set<number> {
  const open = new Set(list.filter((a) => a.state === 'active' && !a.acknowledgedAt).map((a) => a.id));
  return new Set([...unread].filter((id) => open.has(id)));
}

/** "(2) dcfleet": the count of unread critical alarms in front of the base title. */
export function titleWithCount(base: string, unread: number): string {
  const plain = base.replace(/^\(\d+\) /, '');
  return unread > 0 ? `(${unread}) ${plain}` : plain;
}
