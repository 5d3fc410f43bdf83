/**
 * Pure mapping from a site's effective alarm rules and alarms to what the charts draw over their data:
 * horizontal threshold bands and lines, and shaded alarm intervals on the time axis. Unit-tested.
 */
import {
  ASHRAE_INLET_BANDS,
  type AlarmInfo,
  type AlarmRuleInfo,
  type AlarmSeverity,
} from '@dcfleet/contracts';

/** Which rule-backed overlay a chart draws (none for charts without a rule). */
export type ThresholdKind = 'inlet' | 'pue';

export interface Thresholds {
  /** The inlet warning band (recommended range) and critical limits; undefined when the rule is off. */
  inlet: {
    warning?: { low: number; high: number };
    critical?: { low: number; high: number };
  };
  /** Live PUE alarm thresholds by severity. */
  pue: Partial<Record<AlarmSeverity, number>>;
}

/** The built-in rules' values (docs/contract.md "Alarms"): what a reader that may not see rules is shown. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  inlet: { warning: { ...ASHRAE_INLET_BANDS.warning }, critical: { ...ASHRAE_INLET_BANDS.critical } },
  pue: { warning: 1.6 },
};

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The rules in force for one site: per kind and severity a site rule replaces the fleet-wide one (as the API
 * evaluates them); disabled rules draw nothing. With several enabled rules of a kind and severity the first
 * (lowest id) wins.
 */
export function effectiveRules(rules: readonly AlarmRuleInfo[], code: string): AlarmRuleInfo[] {
  const byKey = new Map<string, AlarmRuleInfo>();
  const sorted = [...rules]
    .filter((r) => r.datacenter === null || r.datacenter === code)
    .sort((a, b) => a.id - b.id);
  for (const r of sorted) {
    const key = `${r.kind}:${r.severity}`;
    const prev = byKey.get(key);
    if (!prev || (prev.datacenter === null && r.datacenter !== null)) byKey.set(key, r);
  }
  return [...byKey.values()].filter((r) => r.enabled);
}

/** Thresholds of a site from its rules (the output of GET /alarm-rules?datacenter=CODE). */
export function thresholdsOf(rules: readonly AlarmRuleInfo[], code: string): Thresholds {
  const out: Thresholds = { inlet: {}, pue: {} };
  for (const r of effectiveRules(rules, code)) {
    if (r.kind === 'inlet_temp') {
      const d = ASHRAE_INLET_BANDS[r.severity];
      out.inlet[r.severity] = { low: num(r.params.low) ?? d.low, high: num(r.params.high) ?? d.high };
    } else if (r.kind === 'pue') {
      out.pue[r.severity] = num(r.params.threshold) ?? 1.6;
    }
  }
  return out;
}

export interface OverlayBand {
  from: number;
  to: number;
  severity: AlarmSeverity;
}
export interface OverlayLine {
  value: number;
  severity: AlarmSeverity;
}

/** The bands and lines one chart draws: inlet → the warning band and critical limit lines; PUE → lines. */
export function overlaysFor(
  kind: ThresholdKind | undefined,
  t: Thresholds,
): { bands: OverlayBand[]; lines: OverlayLine[] } {
  if (kind === 'inlet') {
    const { warning, critical } = t.inlet;
    return {
      bands: warning ? [{ from: warning.low, to: warning.high, severity: 'warning' }] : [],
      lines: critical
        ? [
            { value: critical.low, severity: 'critical' },
            { value: critical.high, severity: 'critical' },
          ]
        : [],
    };
  }
  if (kind === 'pue') {
    const lines = (['warning', 'critical'] as const).flatMap((severity) => {
      const value = t.pue[severity];
      return value === undefined ? [] : [{ value, severity }];
    });
    return { bands: [], lines };
  }
  return { bands: [], lines: [] };
}

/** Which chart an alarm belongs on, by its rule kind (`AlarmInfo.rule`); stale and metering are site-wide. */
const RULE_CHARTS: Readonly<Record<string, ThresholdKind>> = {
  inlet_temp: 'inlet',
  inlet_rate: 'inlet',
  pue: 'pue',
};

export interface AlarmInterval {
  from: number;
  to: number;
  severity: AlarmSeverity;
  label: string;
  rule: string;
  zone: string | null;
  /** The value that raised it. */
  value: number | null;
  /** When it was raised, before clipping to the window (an annotation marks it only when inside). */
  raised: number;
}

/**
 * The text of an alarm's annotation on the time axis: what fired, where, and at which value (°C for inlet
 * temperatures, a plain number for PUE), e.g. "Inlet temperature · B2 · 34.5 °C".
 */
export function annotationText(
  a: Pick<AlarmInterval, 'rule' | 'zone' | 'value'>,
  ruleName: string,
  format: (v: number) => string,
): string {
  const parts = [ruleName];
  if (a.zone) parts.push(a.zone);
  if (a.value !== null && a.rule === 'inlet_temp') parts.push(`${format(a.value)} °C`);
  else if (a.value !== null && a.rule === 'pue') parts.push(format(a.value));
  return parts.join(' · ');
}

/**
 * Alarm intervals (raised → cleared, or → the window's end while active) overlapping [from, to], clipped to it.
 * Site-wide alarms (stale, metering) belong on every chart; inlet and PUE alarms only on the chart of that
 * kind (`chart` undefined: a chart without a rule of its own).
 */
export function alarmIntervals(
  alarms: readonly AlarmInfo[],
  window: { from: number; to: number },
  chart?: ThresholdKind,
): AlarmInterval[] {
  const out: AlarmInterval[] = [];
  for (const a of alarms) {
    const own = RULE_CHARTS[a.rule];
    if (own !== undefined && own !== chart) continue;
    const start = Date.parse(a.eventTs ?? a.raisedAt);
    const cleared = a.clearedEventTs ?? a.clearedAt;
    const end = cleared ? Date.parse(cleared) : window.to;
    if (!Number.isFinite(start) || end < window.from || start > window.to) continue;
    out.push({
      from: Math.max(start, window.from),
      to: Math.min(Math.max(end, start), window.to),
      severity: a.severity,
      label: a.zone ? `${a.rule} · ${a.zone}` : a.rule,
      rule: a.rule,
      zone: a.zone ?? null,
      value: typeof a.value === 'number' && Number.isFinite(a.value) ? a.value : null,
      raised: start,
    });
  }
  return out.sort((x, y) => x.from - y.from);
}
