/**
 * Faults the demo fleet can show, on a schedule or on demand, and where each one should show up:
 *
 * | kind | what the gateway does | where it shows |
 * |---|---|---|
 * | `silent` | stops posting for a while (default 7 min), then resumes; the meters kept counting | tile stale after STALE_AFTER_S, "no data" alarm, a gap in the charts, counters bridge it |
 * | `overheat` | one zone's inlet climbs to ~34.5 °C for a few minutes (failed CRAH) | critical inlet alarm, hottest inlet on the tile |
 * | `meter-reset` | the facility energy meter is replaced: its counter restarts from 0 | a drop in the counter chart; energy and ratings unchanged (reset-aware) |
 * | `replay` | re-sends the last hour of its data, identical | nothing changes (same values: last write wins), one more receipt |
 * | `replay-changed` | re-sends last year's final hour with corrected meter readings | last year's rating is revised (a rating revision, `rating:revised`) |
 * | `malformed` | posts a batch with invalid samples, then a body that is not JSON | invalid samples rejected one by one with reasons (200), the body refused (400) |
 */
import { mulberry32 } from './prng';
import { MINUTE_MS } from './time';

export const FAULT_KINDS = [
  'silent',
  'overheat',
  'meter-reset',
  'replay',
  'replay-changed',
  'malformed',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRequest {
  kind: FaultKind;
  code: string;
  /** overheat: the zone (default: a random one). */
  zone?: string;
  /** silent, overheat: how long, ms. */
  durationMs?: number;
}

export const DEFAULT_SILENT_MS = 7 * MINUTE_MS;
export const DEFAULT_OVERHEAT_MS = 6 * MINUTE_MS;
export const OVERHEAT_PEAK_C = 34.5;

/**
 * Parses `kind:CODE[:ZONE][@minutes]`, e.g. `silent:GZ-BJ-01`, `overheat:GZ-GA-01:B2`, `silent:GZ-BJ-01@15`.
 */
export function parseFault(text: string): FaultRequest {
  const [spec, minutes] = text.split('@');
  const [kind, code, zone] = (spec ?? '').split(':');
  if (!kind || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new Error(
      `unknown fault "${kind ?? ''}" in "${text}": use one of ${FAULT_KINDS.join(', ')} as kind:SITE-CODE`,
    );
  }
  if (!code) throw new Error(`fault "${text}" names no site: use ${kind}:SITE-CODE, e.g. ${kind}:GZ-BJ-01`);
  const out: FaultRequest = { kind: kind as FaultKind, code: code.toUpperCase() };
  if (zone) out.zone = zone.toUpperCase();
  if (minutes !== undefined) {
    const m = Number(minutes);
    if (!Number.isFinite(m) || m <= 0)
      throw new Error(`fault "${text}": duration after @ must be minutes > 0`);
    out.durationMs = m * MINUTE_MS;
  }
  return out;
}

/** Inlet of an overheating zone: ramps up over 2 min to the peak, holds, falls back over 2 min. */
export function overheatInletC(
  normalC: number,
  from: number,
  until: number,
  t: number,
  peakC = OVERHEAT_PEAK_C,
): number {
  if (t < from || t >= until) return normalC;
  const ramp = 2 * MINUTE_MS;
  const k = Math.min(1, (t - from) / ramp, (until - t) / ramp);
  return Math.max(normalC, normalC + (peakC - normalC) * k);
}

const WEIGHTS: [FaultKind, number][] = [
  ['silent', 2],
  ['overheat', 3],
  ['meter-reset', 1],
  ['replay', 2],
  ['malformed', 2],
  ['replay-changed', 0.5],
];

/**
 * Picks one fault at a time for the demo (deterministic for a seed). `replay-changed` revises last year's
 * rating, so it is picked at most once per scheduler.
 */
export class FaultScheduler {
  private readonly random: () => number;
  private revised = false;

  constructor(
    seed: number,
    private readonly codes: readonly string[],
  ) {
    this.random = mulberry32(seed ^ 0xfa017);
  }

  next(): FaultRequest {
    const weights = WEIGHTS.filter(([k]) => k !== 'replay-changed' || !this.revised);
    const total = weights.reduce((s, [, w]) => s + w, 0);
    let x = this.random() * total;
    let kind: FaultKind = weights[0]![0];
    for (const [k, w] of weights) {
      if (x < w) {
        kind = k;
        break;
      }
      x -= w;
    }
    if (kind === 'replay-changed') this.revised = true;
    const code = this.codes[Math.floor(this.random() * this.codes.length)]!;
    return { kind, code };
  }

  /** Wait before the next fault: the base interval ± 30 %. */
  delay(everyMs: number): number {
    return Math.round(everyMs * (0.7 + 0.6 * this.random()));
  }
}

/**
 * A gateway bug: one valid sample among invalid ones (unknown metric, out of range, too far in the future,
 * bad timestamp, a string value, a bad label key). Expect 200 with 1 accepted and 6 rejected with reasons.
 */
export function malformedEntries(ts: number, zone: string): unknown[] {
  return [
    { ts, values: { ups_load_pct: 41.5 } },
    { ts, metric: 'inlet_temperature', value: 24.1, labels: { zone } },
    { ts, metric: 'inlet_temp_c', value: 150, labels: { zone } },
    { ts: ts + 3_600_000, metric: 'it_power_kw', value: 812.4 },
    { ts: 'yesterday noon', metric: 'it_power_kw', value: 812.4 },
    { ts, metric: 'facility_power_kw', value: 'NaN' },
    { ts, metric: 'inlet_temp_c', value: 22.2, labels: { Zone: zone } },
  ];
}

/** A body that is not JSON at all (truncated mid-array): expect 400, nothing stored. */
export const MALFORMED_BODY = '{"samples":[{"ts":1,"metric":"it_power_kw","value":';
