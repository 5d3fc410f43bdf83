import type { AlarmInfo, AlarmRuleInfo, AlarmRuleKind, AlarmSeverity, AlarmState } from '@dcfleet/contracts';
import type { AlarmRuleEntity } from './alarm-rule.entity';
import type { AlarmEntity } from './alarm.entity';

/** A rule as the engine uses it (params parsed, defaults filled). */
export interface RuleDef {
  id: number;
  siteId: number | null;
  kind: AlarmRuleKind;
  severity: AlarmSeverity;
  params: Record<string, unknown>;
  enabled: boolean;
  builtin: string | null;
  webhookUrl: string | null;
  createdAt: number;
  updatedAt: number;
}

/** In-memory mirror of an `alarms` row. `id` is undefined until the row is written. */
export interface AlarmRecord {
  id: number | undefined;
  siteId: number;
  siteCode: string;
  ruleId: number | null;
  kind: AlarmRuleKind;
  key: string;
  severity: AlarmSeverity;
  state: AlarmState;
  message: string;
  value: number | null;
  threshold: number | null;
  details: Record<string, unknown> | null;
  eventTs: number;
  raisedAt: number;
  clearedAt: number | null;
  clearedEventTs: number | null;
  clearedValue: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  note: string | null;
  /** The rule's own webhook at the time of the transition (notified besides ALARM_WEBHOOK_URL). */
  webhookUrl: string | null;
}

/**
 * Built-in fleet-wide rules, seeded at boot when absent (by `builtin` name). Sites tune them with a site rule
 * of the same kind and severity; admins may retune or disable them fleet-wide, not delete them.
 */
export const BUILTIN_RULES: {
  builtin: string;
  kind: AlarmRuleKind;
  severity: AlarmSeverity;
  params: Record<string, unknown>;
  enabled: boolean;
}[] = [
  // ASHRAE TC 9.9 (2021): recommended envelope 18–27 °C, class A1 allowable 15–32 °C, at the IT air inlet.
  {
    builtin: 'ashrae-inlet-recommended',
    kind: 'inlet_temp',
    severity: 'warning',
    params: { low: 18, high: 27, hysteresis: 0.5 },
    enabled: true,
  },
  {
    builtin: 'ashrae-inlet-allowable-a1',
    kind: 'inlet_temp',
    severity: 'critical',
    params: { low: 15, high: 32, hysteresis: 0.5 },
    enabled: true,
  },
  // Rate of change: 20 °C/h is the ASHRAE limit for equipment without tape; off by default (noisy sensors).
  {
    builtin: 'ashrae-inlet-rate',
    kind: 'inlet_rate',
    severity: 'warning',
    params: { maxCPerHour: 20, windowS: 900, hysteresis: 0.2 },
    enabled: false,
  },
  // Live PUE above 1.6 for 15 min: above the GB 40879 grade-3 annual limit (1.5) with headroom for the
  // instantaneous ratio's noise; hubs with stricter targets set a site rule.
  {
    builtin: 'live-pue-sustained',
    kind: 'pue',
    severity: 'warning',
    params: { threshold: 1.6, sustainS: 900, hysteresis: 0.05, maxSkewS: 120, maxGapS: 300 },
    enabled: true,
  },
  { builtin: 'site-stale', kind: 'stale', severity: 'critical', params: {}, enabled: true },
  {
    builtin: 'metering-consistency',
    kind: 'metering',
    severity: 'warning',
    params: { tolerance: 0.02, maxSkewS: 120, counters: true, resetFraction: 0.05, clearAfterS: 900 },
    enabled: true,
  },
];

export function ruleFromEntity(e: AlarmRuleEntity): RuleDef {
  let params: Record<string, unknown> = {};
  try {
    params = JSON.parse(e.params) as Record<string, unknown>;
  } catch {
    /* a hand-edited row: defaults apply */
  }
  return {
    id: e.id,
    siteId: e.siteId,
    kind: e.kind as AlarmRuleKind,
    severity: e.severity as AlarmSeverity,
    params,
    enabled: !!e.enabled,
    builtin: e.builtin,
    webhookUrl: e.webhookUrl,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export function ruleInfo(r: RuleDef, siteCode: string | null): AlarmRuleInfo {
  return {
    id: r.id,
    datacenter: siteCode,
    kind: r.kind,
    severity: r.severity,
    params: r.params,
    enabled: r.enabled,
    builtin: r.builtin,
    webhookUrl: r.webhookUrl,
    createdAt: new Date(r.createdAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Inlet alarms carry the sensor's zone label (details.zone); other kinds have no zone. */
function zoneOf(a: AlarmRecord): string | null | undefined {
  if (a.kind !== 'inlet_temp' && a.kind !== 'inlet_rate') return undefined;
  const z = a.details?.zone;
  return typeof z === 'string' ? z : null;
}

export function alarmInfo(a: AlarmRecord & { id: number }): AlarmInfo {
  const info: AlarmInfo = {
    id: a.id,
    datacenter: a.siteCode,
    rule: a.kind,
    severity: a.severity,
    state: a.state,
    message: a.message,
    raisedAt: new Date(a.raisedAt).toISOString(),
    clearedAt: iso(a.clearedAt),
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
    note: a.note,
    ruleId: a.ruleId,
    key: a.key,
    value: a.value,
    threshold: a.threshold,
    eventTs: new Date(a.eventTs).toISOString(),
    clearedEventTs: iso(a.clearedEventTs),
    clearedValue: a.clearedValue,
    details: a.details,
  };
  const zone = zoneOf(a);
  if (zone !== undefined) info.zone = zone;
  return info;
}

export function recordFromEntity(
  e: AlarmEntity,
  siteCode: string,
  webhookUrl: string | null = null,
): AlarmRecord & { id: number } {
  let details: Record<string, unknown> | null = null;
  if (e.details) {
    try {
      details = JSON.parse(e.details) as Record<string, unknown>;
    } catch {
      details = null;
    }
  }
  return {
    id: e.id,
    siteId: e.siteId,
    siteCode,
    ruleId: e.ruleId,
    kind: e.ruleKind as AlarmRuleKind,
    key: e.key,
    severity: e.severity as AlarmSeverity,
    state: e.state as AlarmState,
    message: e.message,
    value: e.value,
    threshold: e.threshold,
    details,
    eventTs: e.eventTs,
    raisedAt: e.raisedAt,
    clearedAt: e.clearedAt,
    clearedEventTs: e.clearedEventTs,
    clearedValue: e.clearedValue,
    acknowledgedAt: e.acknowledgedAt,
    acknowledgedBy: e.acknowledgedBy,
    note: e.note,
    webhookUrl,
  };
}

/** `<rule id>:<key>`: unique per site among active alarms (uq_alarms_active). */
export function activeKeyOf(ruleId: number | null, key: string): string {
  return `${ruleId ?? 0}:${key}`;
}

/** `inlet_temp_c{zone=A1}` from a metric and its canonical labels JSON. */
export function seriesName(metric: string, labels: string): string {
  if (!labels) return metric;
  try {
    const obj = JSON.parse(labels) as Record<string, string>;
    return `${metric}{${Object.entries(obj)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}}`;
  } catch {
    return metric + labels;
  }
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m % 60} min`;
}

/** Numbers in messages: at most 3 decimals, no trailing zeros. */
export function fmt(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}
