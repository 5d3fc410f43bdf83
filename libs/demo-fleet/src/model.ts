/**
 * The physics of one demo site, as a data center engineer would sketch it:
 *
 * - IT load = occupied racks × design rack power × utilization × (daily and weekly shape of the workload) ×
 *   small noise. Occupancy grows slowly (a few % a year); new sites ramp up over their first nine months.
 * - Outdoor temperature from Guizhou's climate (climate.ts).
 * - Facility power = IT + electrical losses (UPS/transformers: a share of IT plus no-load losses of the
 *   installed capacity) + lighting/offices + cooling. Cooling is fans and pumps on free cooling below the
 *   site's economizer limit and grows with every degree above it, so PUE rises in summer. The loss and
 *   cooling scales are calibrated per site so that its annual PUE over the reference year is its target.
 * - Water (evaporative cooling) rises with outdoor temperature; calibrated to the site's annual WUE.
 * - Renewable (hydro with certificates): a share of facility energy, higher in the wet season (May–October).
 * - Heat reuse: a share of IT heat exported when the heat network needs it (cold months).
 * - Energy counters integrate power between samples (trapezoid); a modelled meter replacement restarts one
 *   counter from 0.
 * - Inlet temperature per zone: set point + zone offset + drift with outdoor temperature + noise, and
 *   occasional hot spots (a failed fan or an open containment door: +4–6.5 °C for 30–100 min).
 *
 * Everything except the counters is a pure function of (site, seed, time), so history, live ticks and a
 * restarted simulator agree at every instant. The counters live in `SiteState`; `advance` is pure too.
 */
import type { IngestEntry } from '@dcfleet/contracts';
import { outdoor, PREFECTURES, seasonWeight, type PrefectureClimate, type WeatherKeys } from './climate';
import { hash32, hashString, noise, unit } from './prng';
import type { DemoSiteSpec } from './sites';
import { DAY_MS, HOUR_MS, LocalClock, MINUTE_MS, YEAR_MS, type LocalFields } from './time';

// Module-level aliases of Math: the physics runs millions of times per history, and a global lookup per
// call is slow in sandboxed contexts (Jest's vm).
const { PI, cos, exp, floor, log1p, max, min, round } = Math;

/** Default seed of the demo fleet: the same demo everywhere unless asked otherwise. */
export const DEFAULT_SEED = 20_250_101;

/** Start of the reference year the sites are calibrated on, and the origin of occupancy growth. */
export const REFERENCE_START = Date.UTC(2024, 11, 31, 16); // 2025-01-01T00:00+08:00

export const COUNTER_METRICS = [
  'facility_energy_kwh',
  'it_energy_kwh',
  'renewable_energy_kwh',
  'reused_energy_kwh',
  'water_m3',
] as const;

export type CounterMetric = (typeof COUNTER_METRICS)[number];
export type Counters = Partial<Record<CounterMetric, number>>;

/** Instantaneous state of a site at an instant: a pure function of (model, t). */
export interface Conditions {
  t: number;
  outdoorC: number;
  /** Occupied share of the racks, 0..1. */
  occupancy: number;
  racksOccupied: number;
  itKw: number;
  coolingKw: number;
  facilityKw: number;
  renewableKw: number;
  reusedKw: number;
  waterM3PerH: number;
  upsLoadPct: number;
}

export interface SiteModel {
  readonly spec: DemoSiteSpec;
  readonly code: string;
  readonly seed: number;
  readonly clock: LocalClock;
  readonly climate: PrefectureClimate;
  readonly keys: WeatherKeys;
  readonly commissionedAt: number;
  /** Counters this site reports (no renewable meter without a hydro contract, no heat meter without reuse). */
  readonly counters: readonly CounterMetric[];
  /** Calibrated scales of the electrical losses and of the cooling power. */
  readonly lossScale: number;
  readonly coolingScale: number;
  /** Calibrated scale of the water use. */
  readonly waterScale: number;
  /** Per-zone offset from the set point, °C. */
  readonly zoneOffsets: readonly number[];
}

/** Zone-level readings. */
export interface ZoneReading {
  zone: string;
  inletC: number;
  humidityPct: number;
}

const RAMP_MS = 270 * DAY_MS;
const LOSS_SHARE = 0.055; // UPS + transformer losses, share of IT power
const NO_LOAD_SHARE = 0.012; // no-load losses, share of installed IT capacity
const MISC_SHARE = 0.006; // lighting, offices, security, share of installed IT capacity

function softplus(x: number, width: number): number {
  const z = x / width;
  return z > 30 ? x : width * log1p(exp(z));
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Relative IT load from the workload's daily and weekly rhythm (1 = the site's mean). */
export function workloadShape(profile: DemoSiteSpec['profile'], f: LocalFields): number {
  const h = f.hour;
  const weekend = f.weekday >= 5;
  const w = (2 * PI) / 24;
  switch (profile) {
    case 'cloud': // consumer internet: evening peak around 21:00, trough before dawn; busier weekends
      return 1 + 0.055 * cos(w * (h - 20.5)) + 0.015 * cos(2 * w * (h - 20.5)) + (weekend ? 0.012 : 0);
    case 'enterprise': // government and enterprise clouds: weekday office hours
      return weekend
        ? 0.965 + 0.012 * cos(w * (h - 14))
        : 1.01 + 0.05 * cos(w * (h - 14)) + 0.02 * cos(2 * w * (h - 14));
    case 'ai': // training clusters run flat out around the clock
      return 1 + 0.008 * cos(w * (h - 15));
    case 'backup': {
      // disaster recovery / backup: idle by day, backup window around 02:30, full backup Saturday night
      const d = ((h - 2.5 + 36) % 24) - 12;
      const window = exp(-(d * d) / (2 * 1.3 * 1.3));
      return 0.97 + (f.weekday === 5 || f.weekday === 6 ? 0.16 : 0.1) * window;
    }
  }
}

/** Occupied share of the racks at `t`: slow growth, and a ramp over a new site's first nine months. */
export function occupancyAt(spec: DemoSiteSpec, commissionedAt: number, t: number): number {
  let occ = spec.occupancy + spec.growthPerYear * ((t - max(REFERENCE_START, commissionedAt)) / YEAR_MS);
  if (commissionedAt > REFERENCE_START - RAMP_MS) {
    const age = clamp((t - commissionedAt) / RAMP_MS, 0, 1);
    occ *= 0.3 + 0.7 * age;
  }
  return clamp(occ, 0.02, 0.96);
}

interface Raw {
  outdoorC: number;
  itKw: number;
  lossShape: number; // (losses + misc) / IT at scale 1
  coolShape: number; // cooling / IT at scale 1
  waterShape: number; // L/kWh at scale 1
  occupancy: number;
  dayOfYear: number;
}

function raw(
  model: Omit<SiteModel, 'lossScale' | 'coolingScale' | 'waterScale'>,
  t: number,
  weather: boolean,
): Raw {
  const spec = model.spec;
  const f = model.clock.fields(t);
  const out = outdoor(model.climate, spec.site.longitude, t, f.dayOfYear, model.keys, weather);
  const outdoorC = out.tempC + spec.climateAdjustC;
  const occupancy = occupancyAt(spec, model.commissionedAt, t);
  const cap = spec.site.itCapacityKw;
  let load = workloadShape(spec.profile, f);
  if (weather) {
    load *=
      1 +
      0.015 * noise(model.seed, model.keys.site * 11 + 1, t / (3 * HOUR_MS)) +
      0.006 * noise(model.seed, model.keys.site * 11 + 2, t / (4 * MINUTE_MS));
  }
  const itKw = cap * occupancy * spec.utilization * load;
  return {
    outdoorC,
    itKw,
    lossShape: LOSS_SHARE + ((NO_LOAD_SHARE + MISC_SHARE) * cap) / itKw,
    coolShape: spec.coolingBase + spec.coolingSlope * softplus(outdoorC - spec.economizerC, 2.5),
    waterShape: 0.3 + 0.1 * softplus(outdoorC - 8, 3),
    occupancy,
    dayOfYear: f.dayOfYear,
  };
}

/** Builds a site's model: weather keys, zone offsets, and the loss/cooling/water scales calibrated to its targets. */
export function createSiteModel(spec: DemoSiteSpec, seed = DEFAULT_SEED): SiteModel {
  const code = spec.site.code;
  const regionIndex = Object.keys(PREFECTURES).indexOf(spec.prefecture);
  const base = {
    spec,
    code,
    seed,
    clock: new LocalClock(spec.site.timezone),
    climate: PREFECTURES[spec.prefecture],
    keys: { seed, region: 1000 + regionIndex, site: hashString(code) & 0xffff },
    commissionedAt: Date.parse(
      spec.site.commissionedAt.length === 10
        ? `${spec.site.commissionedAt}T00:00:00+08:00`
        : spec.site.commissionedAt,
    ),
    counters: COUNTER_METRICS.filter(
      (m) =>
        (m !== 'renewable_energy_kwh' || spec.renewableShare > 0) &&
        (m !== 'reused_energy_kwh' || spec.heatReuse > 0),
    ),
    zoneOffsets: spec.zones.map((_, i) => -0.6 + 2 * unit(seed, hashString(code), 0x20e, i)),
  };
  // Calibration over the site's reference year (from 2025-01-01 or its commissioning), every 3 hours, shifted
  // by one hour each day so that every hour of the day is sampled evenly.
  let it = 0;
  let loss = 0;
  let cool = 0;
  let water = 0;
  const from = max(REFERENCE_START, base.commissionedAt);
  for (let d = 0; d < 365; d++) {
    for (let h = d % 3; h < 24; h += 3) {
      const r = raw(base, from + d * DAY_MS + h * HOUR_MS, true);
      it += r.itKw;
      loss += r.itKw * r.lossShape;
      cool += r.itKw * r.coolShape;
      water += r.itKw * r.waterShape;
    }
  }
  const overhead = spec.targetPue - 1;
  const coolingScale = max(0.3, (overhead - loss / it) / (cool / it));
  const lossScale = (overhead - (coolingScale * cool) / it) / (loss / it);
  return { ...base, lossScale, coolingScale, waterScale: (spec.targetWue * it) / water };
}

/** Instantaneous conditions of the site at `t`. */
export function conditions(model: SiteModel, t: number): Conditions {
  const spec = model.spec;
  const r = raw(model, t, true);
  const coolingKw = r.itKw * model.coolingScale * r.coolShape;
  const facilityKw = r.itKw * (1 + model.lossScale * r.lossShape) + coolingKw;
  const wet = cos((2 * PI * (r.dayOfYear - 196)) / 365.25); // hydro: wet season peaks in July
  const renewableShare = clamp(spec.renewableShare * (1 + 0.3 * wet), 0, 0.95);
  const heatDemand = clamp((17 - r.outdoorC) / 10, 0.08, 1);
  return {
    t,
    outdoorC: r.outdoorC,
    occupancy: r.occupancy,
    racksOccupied: round(spec.site.racks * r.occupancy),
    itKw: r.itKw,
    coolingKw,
    facilityKw,
    renewableKw: facilityKw * renewableShare,
    reusedKw: r.itKw * spec.heatReuse * heatDemand,
    waterM3PerH: (r.itKw * model.waterScale * r.waterShape) / 1000,
    upsLoadPct: (100 * r.itKw) / (1.1 * spec.site.itCapacityKw),
  };
}

/** A modelled hot spot in a zone at `t`, °C above normal (0 most of the time; about one per zone per month). */
export function hotSpotC(model: SiteModel, zoneIndex: number, t: number): number {
  const day = floor(t / DAY_MS);
  let bump = 0;
  for (const d of [day - 1, day]) {
    const h = hash32(model.seed, model.keys.site, 0x4075, zoneIndex, d);
    if (h / 4_294_967_296 >= 0.035) continue;
    const start = d * DAY_MS + unit(h, 1) * DAY_MS;
    const duration = (30 + 70 * unit(h, 2)) * MINUTE_MS;
    const peak = 4 + 2.5 * unit(h, 3);
    if (t < start || t >= start + duration) continue;
    const rise = min(1, (t - start) / (10 * MINUTE_MS));
    const fall = min(1, (start + duration - t) / (15 * MINUTE_MS));
    bump = max(bump, peak * min(rise, fall));
  }
  return bump;
}

/** Inlet temperature and relative humidity of one zone at `t`. */
export function zoneReading(model: SiteModel, zoneIndex: number, cond: Conditions): ZoneReading {
  const t = cond.t;
  const channel = model.keys.site * 64 + zoneIndex;
  const base = model.spec.setpointC + model.zoneOffsets[zoneIndex]! + 0.035 * (cond.outdoorC - 15);
  const wobble =
    0.35 * noise(model.seed, channel * 4 + 1, t / (25 * MINUTE_MS)) +
    0.12 * noise(model.seed, channel * 4 + 2, t / (3 * MINUTE_MS));
  const hot = hotSpotC(model, zoneIndex, t);
  const inletC = base + wobble + hot;
  const dayOfYear = model.clock.fields(t).dayOfYear;
  const humidityPct = clamp(
    46 + 8 * seasonWeight(dayOfYear) + 3 * noise(model.seed, channel * 4 + 3, t / (4 * HOUR_MS)) - 1.5 * hot,
    20,
    80,
  );
  return { zone: model.spec.zones[zoneIndex]!, inletC, humidityPct };
}

/** The counters of a site and the conditions at the instant they were read. */
export interface SiteState {
  code: string;
  /** Instant of the readings, epoch ms. */
  ts: number;
  counters: Counters;
  cond: Conditions;
}

/**
 * Plausible meter readings at `t` for a site without stored readings: the energy since commissioning at a
 * typical load (0 for a site commissioned at or after `t`).
 */
export function initialState(model: SiteModel, t: number): SiteState {
  const spec = model.spec;
  const hours = max(0, (t - model.commissionedAt) / HOUR_MS);
  const itKwh = spec.site.itCapacityKw * 0.36 * hours;
  const facilityKwh = itKwh * spec.targetPue;
  const all: Record<CounterMetric, number> = {
    facility_energy_kwh: facilityKwh,
    it_energy_kwh: itKwh,
    renewable_energy_kwh: facilityKwh * spec.renewableShare * 0.6,
    reused_energy_kwh: itKwh * spec.heatReuse * 0.25,
    water_m3: (itKwh * spec.targetWue) / 1000,
  };
  const counters: Counters = {};
  for (const m of model.counters) counters[m] = round(all[m] * 10) / 10;
  return { code: model.code, ts: t, counters, cond: conditions(model, t) };
}

/**
 * The state at `ts` (≥ state.ts): counters advanced by the energy (trapezoid of the powers at both ends)
 * since the previous readings. Counters named in `resets` were replaced by a new meter right after the
 * previous readings: they restart from 0 and show only the energy since then.
 */
export function advance(
  model: SiteModel,
  state: SiteState,
  ts: number,
  resets: readonly CounterMetric[] = [],
): SiteState {
  if (ts < state.ts)
    throw new RangeError(
      `cannot advance ${model.code} backwards (${new Date(ts).toISOString()} < ${new Date(state.ts).toISOString()})`,
    );
  const a = state.cond;
  const b = ts === a.t ? a : conditions(model, ts);
  const hours = (ts - state.ts) / HOUR_MS;
  const counters: Counters = {};
  for (const m of model.counters) {
    let kw: number;
    switch (m) {
      case 'facility_energy_kwh':
        kw = a.facilityKw + b.facilityKw;
        break;
      case 'it_energy_kwh':
        kw = a.itKw + b.itKw;
        break;
      case 'renewable_energy_kwh':
        kw = a.renewableKw + b.renewableKw;
        break;
      case 'reused_energy_kwh':
        kw = a.reusedKw + b.reusedKw;
        break;
      case 'water_m3':
        kw = a.waterM3PerH + b.waterM3PerH;
        break;
    }
    const before = resets.length > 0 && resets.includes(m) ? 0 : (state.counters[m] ?? 0);
    counters[m] = before + (kw / 2) * hours;
  }
  return { code: state.code, ts, counters, cond: b };
}

const r1 = (v: number) => round(v * 10) / 10;
const r2 = (v: number) => round(v * 100) / 100;
const r3 = (v: number) => round(v * 1000) / 1000;

/** Counter values as posted: kWh to 0.1, m³ to 0.001 (rounding keeps them monotonic). */
export function counterValues(model: SiteModel, state: SiteState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of model.counters)
    out[m] = m === 'water_m3' ? r3(state.counters[m] ?? 0) : r1(state.counters[m] ?? 0);
  return out;
}

/**
 * Which readings of an hour of history: everything; the facility and IT energy meters only (what a rating
 * needs); or everything else.
 */
export type HistorySelect = 'all' | 'energy' | 'rest';

const ENERGY_METERS: readonly CounterMetric[] = ['facility_energy_kwh', 'it_energy_kwh'];

export interface HistoryDetail {
  /** Zones whose inlet temperature and humidity are part of this hour's history (the first N; default 0). */
  zones?: number;
  select?: HistorySelect;
}

/**
 * The hourly history samples at `state.ts`: the counters and the key gauges (facility and IT power, outdoor
 * temperature; optionally inlet temperature and humidity of the first zones); racks occupied once a day at local
 * midnight.
 */
export function historyEntries(
  model: SiteModel,
  state: SiteState,
  detail: HistoryDetail = {},
): IngestEntry[] {
  const select = detail.select ?? 'all';
  const c = state.cond;
  const counters = counterValues(model, state);
  const values: Record<string, number> = {};
  for (const m of model.counters) {
    if (select === 'all' || (select === 'energy') === ENERGY_METERS.includes(m)) values[m] = counters[m]!;
  }
  if (select !== 'energy') {
    values.facility_power_kw = r1(c.facilityKw);
    values.it_power_kw = r1(c.itKw);
    values.outdoor_temp_c = r2(c.outdoorC);
    if (isLocalMidnight(model, state.ts)) values.racks_occupied = c.racksOccupied;
  }
  const entries: IngestEntry[] = [{ ts: state.ts, values }];
  if (select === 'energy') return entries;
  const zones = min(detail.zones ?? 0, model.spec.zones.length);
  for (let z = 0; z < zones; z++) {
    const zr = zoneReading(model, z, c);
    entries.push({
      ts: state.ts,
      labels: { zone: zr.zone },
      values: { inlet_temp_c: r2(zr.inletC), relative_humidity_pct: r1(zr.humidityPct) },
    });
  }
  return entries;
}

/** Samples (metric values) in one hour of history. */
export function historySamplesAt(model: SiteModel, ts: number, detail: HistoryDetail = {}): number {
  const select = detail.select ?? 'all';
  const energy = ENERGY_METERS.length;
  const counters =
    select === 'all' ? model.counters.length : select === 'energy' ? energy : model.counters.length - energy;
  const gauges =
    select === 'energy'
      ? 0
      : 3 + (isLocalMidnight(model, ts) ? 1 : 0) + 2 * min(detail.zones ?? 0, model.spec.zones.length);
  return counters + gauges;
}

export function isLocalMidnight(model: SiteModel, ts: number): boolean {
  return (((ts + model.clock.offset(ts)) % DAY_MS) + DAY_MS) % DAY_MS === 0;
}

/** Overrides of zone inlet temperatures (faults), °C. */
export type InletOverride = (zoneIndex: number, normalC: number) => number;

/** Everything a live gateway reports at `state.ts`: all gauges, all counters, every zone. */
export function liveEntries(model: SiteModel, state: SiteState, override?: InletOverride): IngestEntry[] {
  const c = state.cond;
  const values = counterValues(model, state);
  values.facility_power_kw = r1(c.facilityKw);
  values.it_power_kw = r1(c.itKw);
  values.cooling_power_kw = r1(c.coolingKw);
  values.outdoor_temp_c = r2(c.outdoorC);
  values.ups_load_pct = r1(c.upsLoadPct);
  values.racks_occupied = c.racksOccupied;
  const entries: IngestEntry[] = [{ ts: state.ts, values }];
  for (let z = 0; z < model.spec.zones.length; z++) {
    const zr = zoneReading(model, z, c);
    const inlet = override ? override(z, zr.inletC) : zr.inletC;
    entries.push({
      ts: state.ts,
      labels: { zone: zr.zone },
      values: { inlet_temp_c: r2(inlet), relative_humidity_pct: r1(zr.humidityPct) },
    });
  }
  return entries;
}

/** Number of metric values in a list of entries (a `values` map counts each metric). */
export function countSamples(entries: readonly IngestEntry[]): number {
  let n = 0;
  for (const e of entries) n += e.values ? Object.keys(e.values).length : 1;
  return n;
}
