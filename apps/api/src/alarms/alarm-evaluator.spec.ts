import { alarmRuleParamSchemas } from '@dcfleet/contracts';
import type { RuleDef } from './alarm-model';
import { AlarmEvaluator, type AlarmTransitions } from './alarm-evaluator';
import type { Cond, SiteState } from './alarm-state';

const MIN = 60_000;

function rule(kind: 'pue' | 'metering', params: Record<string, unknown> = {}): RuleDef {
  return {
    id: kind === 'pue' ? 1 : 2,
    siteId: null,
    kind,
    severity: 'warning',
    params: alarmRuleParamSchemas[kind].parse(params) as Record<string, unknown>,
    enabled: true,
    builtin: null,
    webhookUrl: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

function site(): SiteState {
  return {
    id: 7,
    code: 'GZ-01',
    newest: 0,
    pairDirty: false,
    markers: new Map(),
    drops: [],
    active: new Set(),
    reported: true,
    keyed: new Map(),
    flood: new Map(),
  };
}

/** Transitions that only record what evaluation asked for (and mark the condition, as the engine does). */
function recorder(rules: RuleDef[]) {
  const calls: string[] = [];
  const conds = new Map<string, Cond>();
  const to: AlarmTransitions = {
    raise: (_s, c, t, value, _threshold, message) => {
      c.alarm = {} as Cond['alarm'];
      calls.push(`raise ${c.rule.kind} t=${t / MIN} ${value}: ${message}`);
    },
    clear: (_s, c, t, value) => {
      c.alarm = undefined;
      calls.push(`clear ${c.rule.kind} t=${t! / MIN} ${value}`);
    },
    off: (_s, c, t, value) => {
      c.alarm = undefined;
      calls.push(`off ${c.rule.kind} t=${t / MIN} ${value}`);
    },
    cond: (r, siteId, key) => {
      const id = `${r.id}|${siteId}|${key}`;
      if (!conds.has(id)) conds.set(id, { rule: r, siteId, key, lastTs: -Infinity });
      return conds.get(id)!;
    },
    effectiveRules: () => rules,
  };
  return { calls, to };
}

describe('AlarmEvaluator', () => {
  it('raises live PUE only after it stayed above the threshold for sustainS, and clears below the hysteresis', () => {
    const { calls, to } = recorder([rule('pue', { threshold: 1.5, sustainS: 600, hysteresis: 0.1 })]);
    const e = new AlarmEvaluator(to);
    const s = site();
    const at = (m: number, fac: number, it: number) => {
      s.fac = { ts: m * MIN, v: fac };
      s.it = { ts: m * MIN, v: it };
      e.pair(s);
    };
    at(0, 1600, 1000); // 1.6 from minute 0
    at(5, 1600, 1000);
    expect(calls).toEqual([]);
    at(10, 1600, 1000);
    expect(calls).toEqual([
      expect.stringMatching(/^raise pue t=10 1\.6: Live PUE 1\.6 above 1\.5 for 10 min/),
    ]);
    at(11, 1450, 1000); // below the threshold but inside the hysteresis band: stays
    expect(calls).toHaveLength(1);
    at(12, 1390, 1000);
    expect(calls[1]).toBe('clear pue t=12 1.39');
  });

  it('restarts the sustain period after a gap longer than maxGapS', () => {
    const { calls, to } = recorder([rule('pue', { threshold: 1.5, sustainS: 600, maxGapS: 120 })]);
    const e = new AlarmEvaluator(to);
    const s = site();
    for (const m of [0, 1, 2, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]) {
      s.fac = { ts: m * MIN, v: 1600 };
      s.it = { ts: m * MIN, v: 1000 };
      e.pair(s);
    }
    // Minutes 2 → 8 are a 6-minute gap: the 10 minutes count from minute 8, not from minute 0.
    expect(calls).toEqual([]);
    s.fac = { ts: 18 * MIN, v: 1600 };
    s.it = { ts: 18 * MIN, v: 1000 };
    e.pair(s);
    expect(calls).toEqual([expect.stringMatching(/^raise pue t=18 /)]);
  });

  it('raises a counter that went backwards without a reset marker, and not one with a marker in the step', () => {
    const metering = rule('metering', { resetFraction: 0.05 });
    const { calls, to } = recorder([metering]);
    const e = new AlarmEvaluator(to);
    const s = site();
    const c = to.cond(metering, s.id, 'counter:it_energy_kwh');
    e.counter(s, c, 'it_energy_kwh', 1 * MIN, 1000);
    e.counter(s, c, 'it_energy_kwh', 2 * MIN, 900); // backwards, not near zero
    e.resolveDrops(s);
    expect(calls).toEqual([
      expect.stringMatching(
        /^raise metering t=2 900: .*counter it_energy_kwh went backwards from 1000 to 900/,
      ),
    ]);

    const other = to.cond(metering, s.id, 'counter:facility_energy_kwh');
    e.counter(s, other, 'facility_energy_kwh', 1 * MIN, 5000);
    s.markers.set('facility_energy_kwh', [1.5 * MIN]);
    e.counter(s, other, 'facility_energy_kwh', 2 * MIN, 4000);
    e.resolveDrops(s);
    expect(calls).toHaveLength(1);
  });
});
