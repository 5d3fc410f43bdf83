import type { AlarmInfo, AlarmRuleInfo } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import {
  alarmIntervals,
  annotationText,
  DEFAULT_THRESHOLDS,
  overlaysFor,
  thresholdsOf,
} from './chart-overlays';

let nextId = 1;
function rule(p: Partial<AlarmRuleInfo> & Pick<AlarmRuleInfo, 'kind' | 'severity'>): AlarmRuleInfo {
  return {
    id: nextId++,
    datacenter: null,
    params: {},
    enabled: true,
    builtin: null,
    webhookUrl: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...p,
  };
}

const builtins = () => [
  rule({ kind: 'inlet_temp', severity: 'warning', params: { low: 18, high: 27, hysteresis: 0.5 } }),
  rule({ kind: 'inlet_temp', severity: 'critical', params: { low: 15, high: 32, hysteresis: 0.5 } }),
  rule({ kind: 'pue', severity: 'warning', params: { threshold: 1.6 } }),
  rule({ kind: 'stale', severity: 'critical' }),
];

describe('thresholdsOf (alarm rules → chart thresholds)', () => {
  it('reads the built-in rules as the defaults', () => {
    expect(thresholdsOf(builtins(), 'GZ1')).toEqual(DEFAULT_THRESHOLDS);
  });

  it('follows a fleet-wide rule an admin changed (recommended high 27 → 28 °C)', () => {
    const rules = builtins();
    rules[0]!.params = { low: 18, high: 28, hysteresis: 0.5 };
    expect(thresholdsOf(rules, 'GZ1').inlet.warning).toEqual({ low: 18, high: 28 });
  });

  it("lets a site's rule replace the fleet-wide one for that site only", () => {
    const rules = [
      ...builtins(),
      rule({ kind: 'pue', severity: 'warning', datacenter: 'GZ1', params: { threshold: 1.4 } }),
    ];
    expect(thresholdsOf(rules, 'GZ1').pue).toEqual({ warning: 1.4 });
    expect(thresholdsOf(rules, 'SH2').pue).toEqual({ warning: 1.6 });
  });

  it('draws nothing for a disabled rule, even when the site rule disabling it is newer', () => {
    const rules = [
      ...builtins(),
      rule({ kind: 'inlet_temp', severity: 'critical', datacenter: 'GZ1', enabled: false }),
    ];
    expect(thresholdsOf(rules, 'GZ1').inlet).toEqual({ warning: { low: 18, high: 27 } });
  });

  it('fills omitted inlet bounds with the ASHRAE band of the severity', () => {
    expect(
      thresholdsOf([rule({ kind: 'inlet_temp', severity: 'critical', params: { high: 35 } })], 'X').inlet,
    ).toEqual({ critical: { low: 15, high: 35 } });
  });
});

describe('overlaysFor', () => {
  it('inlet: the warning band and both critical limits as lines', () => {
    expect(overlaysFor('inlet', DEFAULT_THRESHOLDS)).toEqual({
      bands: [{ from: 18, to: 27, severity: 'warning' }],
      lines: [
        { value: 15, severity: 'critical' },
        { value: 32, severity: 'critical' },
      ],
    });
  });

  it('PUE: a line per severity; charts without a rule: nothing', () => {
    expect(overlaysFor('pue', { inlet: {}, pue: { warning: 1.6, critical: 2 } }).lines).toEqual([
      { value: 1.6, severity: 'warning' },
      { value: 2, severity: 'critical' },
    ]);
    expect(overlaysFor(undefined, DEFAULT_THRESHOLDS)).toEqual({ bands: [], lines: [] });
  });
});

describe('alarmIntervals', () => {
  const t = (iso: string) => Date.parse(iso);
  const alarm = (p: Partial<AlarmInfo>): AlarmInfo => ({
    id: 1,
    datacenter: 'GZ1',
    rule: 'inlet_temp',
    severity: 'warning',
    state: 'cleared',
    message: '',
    raisedAt: '2026-12-07T10:00:00Z',
    clearedAt: '2026-12-07T11:00:00Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    ...p,
  });
  const window = { from: t('2026-12-07T09:00:00Z'), to: t('2026-12-07T12:00:00Z') };

  it('shades raised → cleared in event time, clipped to the window; active ones run to its end', () => {
    const list = [
      alarm({ eventTs: '2026-12-07T08:30:00Z', clearedEventTs: '2026-12-07T09:30:00Z' }),
      alarm({ state: 'active', clearedAt: null, raisedAt: '2026-12-07T11:30:00Z', zone: 'A1' }),
    ];
    expect(alarmIntervals(list, window, 'inlet')).toMatchObject([
      { from: window.from, to: t('2026-12-07T09:30:00Z'), severity: 'warning', label: 'inlet_temp' },
      { from: t('2026-12-07T11:30:00Z'), to: window.to, severity: 'warning', label: 'inlet_temp · A1' },
    ]);
    // The raise before the window is kept apart from the clipped start: no annotation marks it.
    expect(alarmIntervals(list, window, 'inlet')[0]!.raised).toBe(t('2026-12-07T08:30:00Z'));
  });

  it('puts an alarm on its own chart and site-wide ones (stale, metering) on every chart', () => {
    const list = [alarm({ rule: 'inlet_temp' }), alarm({ rule: 'pue' }), alarm({ rule: 'stale' })];
    expect(alarmIntervals(list, window, 'inlet').map((a) => a.label)).toEqual(['inlet_temp', 'stale']);
    expect(alarmIntervals(list, window, 'pue').map((a) => a.label)).toEqual(['pue', 'stale']);
    expect(alarmIntervals(list, window).map((a) => a.label)).toEqual(['stale']);
  });

  it('leaves out alarms outside the window', () => {
    const before = alarm({ raisedAt: '2026-12-07T07:00:00Z', clearedAt: '2026-12-07T08:00:00Z' });
    expect(alarmIntervals([before], window, 'inlet')).toEqual([]);
  });
});

describe('annotationText', () => {
  const fmt = (v: number) => v.toFixed(1);
  it('names the rule, the zone and the value that raised it', () => {
    expect(annotationText({ rule: 'inlet_temp', zone: 'B2', value: 34.46 }, 'Inlet temperature', fmt)).toBe(
      'Inlet temperature · B2 · 34.5 °C',
    );
    expect(annotationText({ rule: 'pue', zone: null, value: 1.62 }, 'Live PUE', fmt)).toBe('Live PUE · 1.6');
    // Seconds of silence or a kWh step say less than the rule's name: left out.
    expect(annotationText({ rule: 'stale', zone: null, value: 400 }, 'No data', fmt)).toBe('No data');
  });
});
