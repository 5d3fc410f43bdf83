import type { AlarmInfo } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import { normalizeAlarms } from './alarms-api';
import { countActive, sortAlarms, upsertAlarm } from './alarms-data';

function alarm(id: number, patch: Partial<AlarmInfo> = {}): AlarmInfo {
  return {
    id,
    datacenter: 'GZ-GA-01',
    rule: 'inlet_temp',
    severity: 'warning',
    state: 'active',
    message: 'Inlet above 27 °C',
    raisedAt: `2026-11-29T08:0${id}:00Z`,
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    ...patch,
  };
}

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
});
