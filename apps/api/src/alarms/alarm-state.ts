/**
 * The alarm engine's state model: conditions (one rule for one zone, counter or site), per-site state, per-series
 * roles, and the keys that find them. Pure data and helpers, no Nest or I/O (the engine, alarm-engine.ts, owns them).
 */
import type { AlarmRecord, RuleDef } from './alarm-model';

/**
 * The evaluation state of one rule for one thing (a zone, a counter, the site): its newest evaluated event
 * time and its active alarm, plus what the kind needs (sustain start, counter value, rate points).
 */
export interface Cond {
  rule: RuleDef;
  siteId: number;
  key: string;
  /** Event time of the newest sample evaluated; older samples never change the state. */
  lastTs: number;
  alarm?: AlarmRecord;
  /** pue: event time since which the value has stayed above the threshold. */
  aboveSince?: number | null;
  /** metering counters: previous reading, and since when the counter has counted properly again. */
  lastV?: number;
  okSince?: number;
  /** inlet_rate: (t, v) pairs, oldest first, at most one per windowS / 10. */
  pts?: number[];
  /** Label zone, for inlet alarms. */
  zone?: string | null;
  /** The condition holds but its alarm is grouped into the rule's summary alarm (ALARM_MAX_PER_RULE reached). */
  suppressed?: boolean;
}

/** Per site and rule: individual alarms of zones/counters, and the storm beyond ALARM_MAX_PER_RULE. */
export interface Flood {
  active: number;
  suppressed: number;
  /** Condition of the summary alarm (key '*'). */
  summary?: Cond;
  /** A summary alarm loaded at boot (nothing suppressed is known): resolved if nothing is suppressed for a while. */
  loadedAt?: number;
}

/** Key of a rule's summary alarm at a site. */
export const SUMMARY_KEY = '*';

/** Conditions with one alarm per zone or counter (capped by ALARM_MAX_PER_RULE); others are one per site. */
export function perKey(c: Cond): boolean {
  if (c.key === SUMMARY_KEY) return false;
  return (
    c.rule.kind === 'inlet_temp' ||
    c.rule.kind === 'inlet_rate' ||
    (c.rule.kind === 'metering' && c.key.startsWith('counter:'))
  );
}

/** Alarm active, or grouped into the summary. */
export function on(c: Cond): boolean {
  return !!c.alarm || !!c.suppressed;
}

export type Role = 'inlet' | 'facility' | 'it' | 'counter' | 'marker' | 'none';

/**
 * What a series feeds (cached per series, refreshed when the rules change). Inlet conditions are created only
 * when needed (an alarm, or rate history): a fleet of sensors inside the band costs one object per series.
 */
export interface SeriesInfo {
  role: Role;
  siteId: number;
  /** counter: its metric; marker: the counter metric it marks. */
  name: string;
  /** inlet: the alarm key (zone) and zone label. */
  key: string;
  zone: string | null;
  /** inlet: newest event time evaluated for this series (late samples never change a state). */
  lastTs: number;
  /** Rules that apply (inlet_temp / inlet_rate, or metering for counters), and their conditions if any yet. */
  rules: RuleDef[];
  conds: (Cond | undefined)[];
  /** Rules version this was built for. */
  version: number;
}

export interface CounterDrop {
  cond: Cond;
  metric: string;
  t: number;
  v: number;
  prevTs: number;
  prevV: number;
}

export interface SiteState {
  id: number;
  code: string;
  /** Newest event time seen for the site (from batches and the live snapshot). */
  newest: number;
  fac?: { ts: number; v: number };
  it?: { ts: number; v: number };
  pairDirty: boolean;
  pairConds?: Cond[];
  /** x_counter_reset event times per counter metric (the last few). */
  markers: Map<string, number[]>;
  drops: CounterDrop[];
  /** Conditions with an active alarm. */
  active: Set<Cond>;
  /** The site sent a batch to this instance since it started. */
  reported: boolean;
  /** This site's conditions by key (few: alarms, counters, site-wide rules). */
  keyed: Map<string, Cond[]>;
  flood: Map<number, Flood>;
  /** Rules by role for building series infos, for `rulesVersion`. */
  rulesFor?: { version: number; inlet: RuleDef[]; pair: boolean; counters: RuleDef[] };
}

export function condKey(ruleId: number, siteId: number, key: string): string {
  return `${ruleId}|${siteId}|${key}`;
}

const ZONE_PREFIX = '{"zone":"';

/** Key of an inlet series: its zone when that is its only label, else all its labels (one alarm per sensor). */
export function inletKey(labels: string): { key: string; zone: string | null } {
  if (!labels) return { key: '', zone: null };
  // The common case, {"zone":"A1"}, without JSON.parse.
  if (
    labels.startsWith(ZONE_PREFIX) &&
    labels.indexOf('"', ZONE_PREFIX.length) === labels.length - 2 &&
    !labels.includes('\\')
  ) {
    const zone = labels.slice(ZONE_PREFIX.length, -2);
    return { key: zone, zone };
  }
  const obj = JSON.parse(labels) as Record<string, string>;
  const keys = Object.keys(obj);
  const zone = obj.zone ?? null;
  if (keys.length === 1 && zone !== null) return { key: zone, zone };
  return { key: keys.map((k) => `${k}=${obj[k]}`).join(','), zone };
}
