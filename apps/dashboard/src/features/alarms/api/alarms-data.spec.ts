import { describe, expect, it } from 'vitest';
import { alarm } from './alarm-fixture';
import { normalizeAlarms } from './alarms-api';
import { countActive, countBySite, countTone, sortAlarms, sumCounts, upsertAlarm } from './alarms-data';

describe('alarm lists', () => {
  it('accepts a bare array or a wrapper', () => {
    expect(normalizeAlarms([alarm(1)])).toHaveLength(1);
    expect(normalizeAlarms({ alarms: [alarm(1), alarm(2)] })).toHaveLength(2);
    expect(normalizeAlarms({ nothing: true })).toEqual([]);
    expect(normalizeAlarms(null)).toEqual([]);
  });

  it('sorts active alarms critical first, history newest first', () => {
    const list = [alarm(1, { severity: 'critical' }), alarm(3), alarm(2, { severity: 'critical' })];
    expect(sortAlarms(list, 'active').map((a) => a.id)).toEqual([2, 1, 3]);
    expect(sortAlarms(list, 'all').map((a) => a.id)).toEqual([3, 2, 1]);
  });

  it('upserts raised and acknowledged alarms, and drops cleared ones from the active view', () => {
    const list = [alarm(1), alarm(2)];
    expect(upsertAlarm(list, alarm(3), 'active')!.map((a) => a.id)).toEqual([3, 2, 1]);
    const acked = upsertAlarm(
      list,
      alarm(1, { acknowledgedAt: '2026-11-29T09:00:00Z', acknowledgedBy: 'op' }),
      'active',
    )!;
    expect(acked.find((a) => a.id === 1)!.acknowledgedBy).toBe('op');
    const cleared = alarm(2, { state: 'cleared', clearedAt: '2026-11-29T09:00:00Z' });
    expect(upsertAlarm(list, cleared, 'active')!.map((a) => a.id)).toEqual([1]);
    expect(upsertAlarm(list, cleared, 'all')!.find((a) => a.id === 2)!.state).toBe('cleared');
    expect(upsertAlarm(undefined, alarm(9), 'all')).toBeUndefined();
  });

  it('counts active alarms by severity', () => {
    expect(
      countActive([
        alarm(1, { severity: 'critical' }),
        alarm(2, { acknowledgedAt: 'x' }),
        alarm(3, { state: 'cleared' }),
      ]),
    ).toEqual({
      critical: 1,
      warning: 1,
      unacknowledged: 1,
    });
  });

  it('counts active alarms per site, and only unacknowledged ones are loud', () => {
    const bySite = countBySite([
      alarm(1, { severity: 'critical', acknowledgedAt: '2026-11-29T09:00:00Z' }),
      alarm(2, { datacenter: 'GZ-AS-01' }),
      alarm(3, { datacenter: 'GZ-AS-01', severity: 'critical' }),
      alarm(4, { datacenter: 'GZ-XX-01', state: 'cleared' }),
    ]);
    expect(bySite.get('GZ-GA-01')).toEqual({ critical: 1, warning: 0, unacknowledged: 0 });
    expect(bySite.get('GZ-AS-01')).toEqual({ critical: 1, warning: 1, unacknowledged: 2 });
    expect(bySite.has('GZ-XX-01')).toBe(false);
    expect(sumCounts(bySite.values())).toEqual({ critical: 2, warning: 1, unacknowledged: 2 });
    // The case: the only alarm acknowledged leaves no red count.
    expect(countTone(bySite.get('GZ-GA-01'))).toBe('quiet');
    expect(countTone(bySite.get('GZ-AS-01'))).toBe('critical');
    expect(countTone({ critical: 0, warning: 1, unacknowledged: 1 })).toBe('warning');
    expect(countTone(undefined)).toBe('none');
  });
});
