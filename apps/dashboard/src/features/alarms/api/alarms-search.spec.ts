import { describe, expect, it } from 'vitest';
import type { AlarmInfo } from '@dcfleet/contracts';
import { alarm } from './alarm-fixture';
import { alarmsSearch, alarmView, filterAlarms } from './alarms-search';

describe('alarms URL state', () => {
  it('shows the active alarms unless the history is asked for', () => {
    expect(alarmView(alarmsSearch({}))).toBe('active');
    expect(alarmView(alarmsSearch({ view: 'all' }))).toBe('all');
    expect(alarmsSearch({ view: 'active' })).toEqual({
      view: undefined,
      site: undefined,
      severity: undefined,
      state: undefined,
      rule: undefined,
    });
  });

  it('keeps known filter values from the URL and drops the rest', () => {
    expect(
      alarmsSearch({ site: 'GZ-GA-01', severity: 'critical', state: 'unacked', rule: 'inlet_temp' }),
    ).toEqual({
      view: undefined,
      site: 'GZ-GA-01',
      severity: 'critical',
      state: 'unacked',
      rule: 'inlet_temp',
    });
    expect(alarmsSearch({ severity: 'loud', state: 'x', rule: 'nope', site: ' ' })).toEqual({
      view: undefined,
      site: undefined,
      severity: undefined,
      state: undefined,
      rule: undefined,
    });
  });

  it('filters by site, severity, state and rule', () => {
    const base = alarm(1, { severity: 'critical' });
    const list: AlarmInfo[] = [
      base,
      { ...base, id: 2, datacenter: 'GZ-AS-01', severity: 'warning', rule: 'pue' },
      { ...base, id: 3, acknowledgedAt: '2026-11-29T08:05:00Z' },
      { ...base, id: 4, state: 'cleared' },
    ];
    const ids = (f: Parameters<typeof filterAlarms>[1]) => filterAlarms(list, f).map((a) => a.id);
    expect(ids({})).toEqual([1, 2, 3, 4]);
    expect(ids({ site: 'GZ-AS-01' })).toEqual([2]);
    expect(ids({ severity: 'critical' })).toEqual([1, 3, 4]);
    expect(ids({ rule: 'pue' })).toEqual([2]);
    expect(ids({ state: 'unacked' })).toEqual([1, 2]);
    expect(ids({ state: 'acked' })).toEqual([3]);
    expect(ids({ state: 'cleared', site: 'GZ-GA-01' })).toEqual([4]);
  });
});
