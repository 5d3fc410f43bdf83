/**
 * From stored daily rollup buckets to a rating row, monthly rows and data gaps, using @dcfleet/green-metrics.
 * No I/O and no framework: the service reads the buckets, this file decides what they mean.
 */
import {
  counterEnergy,
  localMonthRange,
  monthlyBreakdown,
  localDayStart,
  meteredSpan,
  nextLocalDayStart,
  pairedEnergy,
  periodEnergy,
  pue as pueOf,
  rateSite,
  type DailyBucket,
  type EnergyTotal,
  type Gap,
  type Period,
  type PeriodEnergy,
  type PueCategory,
  type RatingOptions,
  type MeteredInput,
  type MeterExchange,
  type SeriesInput,
  type SiteRating,
  toLocal,
} from '@dcfleet/green-metrics';
import type { SiteEntity } from '../datacenters/site.entity';
import type { DailyRow } from './ratings.repository';
import type { EnergySource, MeterQuality, MonthlyRatingRow, RatingRow } from '@dcfleet/contracts';

/** Catalog metrics a rating reads (unlabelled series only: the site-level meters). */
export const RATING_METRICS = {
  facilityEnergy: 'facility_energy_kwh',
  itEnergy: 'it_energy_kwh',
  renewable: 'renewable_energy_kwh',
  reused: 'reused_energy_kwh',
  water: 'water_m3',
  facilityPower: 'facility_power_kw',
  itPower: 'it_power_kw',
} as const;

export type RatingMetricRole = keyof typeof RATING_METRICS;

export const DAY_MS = 86_400_000;
/** Daily buckets read before a period, so its first reading has a predecessor (green-metrics: "pass the last bucket before"). */
export const LOOKBACK_MS = 7 * DAY_MS;

export type SiteBuckets = Partial<Record<RatingMetricRole, DailyBucket[]>>;

export interface EnergyInput {
  source: Exclude<EnergySource, null>;
  input: SeriesInput;
}

export interface SiteInputs {
  facility: EnergyInput | null;
  it: EnergyInput | null;
  renewable: DailyBucket[] | null;
  reused: DailyBucket[] | null;
  water: DailyBucket[] | null;
  /** Recorded meter exchanges per counter (resolved to their readings), applied instead of the meter rule. */
  exchanges: SiteExchanges;
}

export type SiteExchanges = Partial<Record<RatingMetricRole, MeterExchange[]>>;

export interface ComputedRating {
  row: RatingRow;
  rating: SiteRating | null;
  gaps: { facility: ReadingGap[]; it: ReadingGap[] };
}

/** A stretch without readings; `bridged`: a counter read across it, so its energy is known and its time measured. */
export type ReadingGap = Gap & { bridged?: boolean };

// ---------------------------------------------------------------------------------------------------
// Local-day boundaries: a bucket's `end` is the next local midnight. Computing it with Intl for every bucket
// of a fleet-year costs tens of ms, so the midnights of a (zone, range) are listed once and memoised.

const dayEndCache = new Map<string, Map<number, number>>();
const DAY_END_CACHE_MAX = 64;

function dayEnds(timeZone: string, from: number, to: number): Map<number, number> {
  const key = `${timeZone}|${from}|${to}`;
  let ends = dayEndCache.get(key);
  if (!ends) {
    ends = new Map();
    for (let t = localDayStart(from, timeZone); t < to;) {
      const next = nextLocalDayStart(t, timeZone);
      ends.set(t, next);
      t = next;
    }
    if (dayEndCache.size >= DAY_END_CACHE_MAX) dayEndCache.delete(dayEndCache.keys().next().value as string);
    dayEndCache.set(key, ends);
  }
  return ends;
}

/** Fills in each stored row's `end` (next local midnight) in place: they are then green-metrics DailyBuckets. */
export function withDayEnds(rows: DailyRow[], timeZone: string, from: number, to: number): DailyBucket[] {
  const ends = dayEnds(timeZone, from, to);
  for (const r of rows) r.end = ends.get(r.bucket) ?? nextLocalDayStart(r.bucket, timeZone);
  return rows;
}

export function hasDataIn(buckets: readonly DailyBucket[] | undefined, period: Period): boolean {
  return !!buckets?.some((b) => b.count > 0 && b.lastTs >= period.start && b.firstTs < period.end);
}

export function hasDataBefore(buckets: readonly DailyBucket[] | undefined, start: number): boolean {
  return !!buckets?.some((b) => b.count > 0 && b.lastTs < start);
}

/**
 * The first and last daily buckets with counter readings in the period, and whether the counter starts late (first
 * read inside the period, never before it: installed within it). Null without a reading in the period.
 */
function counterReach(
  counter: readonly DailyBucket[],
  period: Period,
): { first: DailyBucket; last: DailyBucket; startsLate: boolean } | null {
  const inPeriod = counter
    .filter((b) => b.count > 0 && b.lastTs >= period.start && b.firstTs < period.end)
    .sort((a, b) => a.bucket - b.bucket);
  const first = inPeriod[0];
  const last = inPeriod.at(-1);
  if (!first || !last) return null;
  return { first, last, startsLate: first.bucket > period.start && !hasDataBefore(counter, period.start) };
}

/**
 * Whether a counter measures the whole period by itself: read before it (or from its first day), and read up to its
 * end — for a period still running, up to two days before `now`. Otherwise the power gauges are loaded too, to
 * measure what the counter did not (chooseInputs).
 */
export function counterSpans(
  counter: readonly DailyBucket[] | undefined,
  period: Period,
  now: number,
): boolean {
  const reach = counter && counterReach(counter, period);
  if (!reach) return false;
  return !reach.startsLate && reach.last.end >= Math.min(period.end, now - 2 * DAY_MS);
}

/**
 * Which series measure the site's energy: the energy counter when it has readings in the period, else the power
 * gauge integrated over time (sites that report power only), else whichever exists (no data: 0, coverage 0). A site
 * that moved between the two within the period (meters installed in July, or power again after the meter stopped)
 * is stitched: the gauges up to the local day of the counter's first reading, the counter to the end of the day of
 * its last one, the gauges after (source `counter+power`).
 */
export function chooseInputs(b: SiteBuckets, period: Period, exchanges: SiteExchanges = {}): SiteInputs {
  const pick = (
    counter: DailyBucket[] | undefined,
    gauge: DailyBucket[] | undefined,
    recorded: MeterExchange[] | undefined,
  ): EnergyInput | null => {
    const meter = (buckets: DailyBucket[]): MeteredInput => ({
      kind: 'counter',
      buckets,
      ...(recorded?.length ? { options: { exchanges: recorded } } : {}),
    });
    const reach = counter && counterReach(counter, period);
    if (counter && reach) {
      const { first, last } = reach;
      const before = reach.startsLate && hasDataIn(gauge, { start: period.start, end: first.bucket });
      const after = last.end < period.end && hasDataIn(gauge, { start: last.end, end: period.end });
      if (!gauge || (!before && !after)) return { source: 'counter', input: meter(counter) };
      const parts: { from: number; series: MeteredInput }[] = [];
      if (before) parts.push({ from: -Infinity, series: { kind: 'gauge', buckets: gauge } });
      parts.push({ from: before ? first.bucket : -Infinity, series: meter(counter) });
      if (after) parts.push({ from: last.end, series: { kind: 'gauge', buckets: gauge } });
      return { source: 'counter+power', input: { kind: 'stitched', parts } };
    }
    if (counter && !hasDataIn(gauge, period)) return { source: 'counter', input: meter(counter) };
    if (gauge) return { source: 'power', input: { kind: 'gauge', buckets: gauge } };
    return null;
  };
  const optional = (buckets: DailyBucket[] | undefined) => (hasDataIn(buckets, period) ? buckets! : null);
  return {
    facility: pick(b.facilityEnergy, b.facilityPower, exchanges.facilityEnergy),
    it: pick(b.itEnergy, b.itPower, exchanges.itEnergy),
    renewable: optional(b.renewable),
    reused: optional(b.reused),
    water: optional(b.water),
    exchanges,
  };
}

function noData(period: Period): PeriodEnergy {
  const periodMs = period.end - period.start;
  const whole = { from: period.start, to: period.end };
  return {
    energyKwh: 0,
    coverage: 0,
    coveredMs: 0,
    periodMs,
    gaps: [whole],
    days: [],
    resets: 0,
    glitchDrop: 0,
    events: [],
    bridgedKwh: 0,
    bridged: [],
    maxGapMs: 0,
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Facility and IT energy of the period over the same time (pairedEnergy) when both are metered; a side without
 * any series is no data, and the other side's energy is kept as measured (nothing to pair it with).
 */
function energies(
  inputs: SiteInputs,
  period: Period,
): {
  facility: PeriodEnergy;
  it: PeriodEnergy;
  coverage: number;
  totals: { facilityKwh: number; itKwh: number };
} {
  if (inputs.facility && inputs.it) return pairedEnergy(inputs.facility.input, inputs.it.input, period);
  const facility = inputs.facility ? periodEnergy(inputs.facility.input, period) : noData(period);
  const it = inputs.it ? periodEnergy(inputs.it.input, period) : noData(period);
  return {
    facility,
    it,
    coverage: Math.min(facility.coverage, it.coverage),
    totals: { facilityKwh: facility.energyKwh, itKwh: it.energyKwh },
  };
}

function pueCategoryOf(site: SiteEntity): PueCategory {
  return site.pueCategory === 2 || site.pueCategory === 3 ? site.pueCategory : 1;
}

function baseRow(
  site: SiteEntity,
  period: Period,
): Pick<RatingRow, 'code' | 'name' | 'hub' | 'from' | 'to' | 'timeZone'> {
  return {
    code: site.code,
    name: site.name,
    hub: site.hub,
    from: iso(period.start),
    to: iso(period.end),
    timeZone: site.timezone,
  };
}

/** The site's rating over the period (green-metrics rateSite), as an API row with the facility/IT data gaps. */
export function computeRating(
  site: SiteEntity,
  inputs: SiteInputs,
  period: Period,
  options: RatingOptions = {},
  /** False while the period runs: the rating is then at best interim (README, "Status"). */
  periodEnded = true,
): ComputedRating {
  try {
    const { facility, it, coverage, totals } = energies(inputs, period);
    const optional = (
      buckets: DailyBucket[] | null,
      role: 'renewable' | 'reused' | 'water',
    ): EnergyTotal | null => {
      if (!buckets) return null;
      const e = counterEnergy(buckets, period, { exchanges: inputs.exchanges[role] });
      return { energyKwh: e.energyKwh, coverage: e.coverage };
    };
    const water = optional(inputs.water, 'water');
    // A water meter installed (or removed) within the period: WUE over the days it measured.
    const waterSpan = inputs.water ? meteredSpan(inputs.water, period) : null;
    const partialWater = waterSpan !== null && (waterSpan.start > period.start || waterSpan.end < period.end);
    const rating = rateSite({
      facility,
      it,
      totals,
      commonCoverage: coverage,
      renewable: optional(inputs.renewable, 'renewable'),
      reused: optional(inputs.reused, 'reused'),
      water: water && {
        m3: water.energyKwh,
        coverage: water.coverage,
        itKwh: partialWater ? energies(inputs, waterSpan).totals.itKwh : undefined,
      },
      pueCategory: pueCategoryOf(site),
      gridEmissionFactor: site.gridEmissionFactor,
      hub: site.hub,
      racks: site.racks,
      periodEnded,
      options,
    });
    const row: RatingRow = {
      ...baseRow(site, period),
      pue: rating.pue,
      pueCategory: rating.pueCategory,
      status: rating.status,
      coverage: rating.coverage,
      grade: rating.grade,
      outOfScope: rating.outOfScope,
      meetsHubTarget: rating.meetsHubTarget,
      wue: rating.wue,
      cue: rating.cue,
      cueLocation: rating.cueLocation,
      ref: rating.ref,
      erf: rating.erf,
      ere: rating.ere,
      dcie: rating.dcie,
      meteringFault: rating.meteringFault,
      faultReasons: rating.faultReasons,
      coverageBy: rating.coverageBy,
      sources: { facility: inputs.facility?.source ?? null, it: inputs.it?.source ?? null },
      meters: {
        facility: inputs.facility?.source === 'counter' ? meterQuality(facility) : null,
        it: inputs.it?.source === 'counter' ? meterQuality(it) : null,
      },
      energy: {
        facilityKwh: rating.energy.facilityKwh,
        itKwh: rating.energy.itKwh,
        renewableKwh: rating.energy.renewableKwh,
        reusedKwh: rating.energy.reusedKwh,
        waterM3: rating.energy.waterM3,
        waterItKwh: rating.energy.waterItKwh ?? null,
        co2Kg: rating.energy.co2Kg,
        co2LocationKg: rating.energy.co2LocationKg,
        facilityTotalKwh: rating.energy.facilityTotalKwh,
        itTotalKwh: rating.energy.itTotalKwh,
      },
    };
    return { row, rating, gaps: { facility: readingGaps(facility), it: readingGaps(it) } };
  } catch (err) {
    // A bucket straddling a period edge: the stored days belong to another time zone (the site's zone was
    // changed after data arrived). Shown as unratable rather than failing the whole fleet table.
    if (!(err instanceof RangeError)) throw err;
    return { row: unratable(site, period, err.message), rating: null, gaps: { facility: [], it: [] } };
  }
}

/** Stretches without readings: the gaps, and (flagged) those a counter bridged, whose time counts as measured. */
function readingGaps(e: PeriodEnergy): ReadingGap[] {
  return [...e.gaps, ...e.bridged.map((g) => ({ ...g, bridged: true }))].sort((a, b) => a.from - b.from);
}

const MAX_METER_EVENTS = 200;

/** A counter's replacements and glitches over the period, for the row's data-quality section. */
export function meterQuality(e: PeriodEnergy): MeterQuality {
  return {
    replacements: e.resets,
    glitches: e.events.filter((x) => x.kind === 'glitch').length,
    glitchDropKwh: e.glitchDrop,
    events: e.events.slice(0, MAX_METER_EVENTS).map((x) => ({ ...x, at: iso(x.at) })),
    truncated: e.events.length > MAX_METER_EVENTS,
  };
}

function unratable(site: SiteEntity, period: Period, message: string): RatingRow {
  return {
    ...baseRow(site, period),
    pue: null,
    pueCategory: pueCategoryOf(site),
    status: 'insufficient-data',
    coverage: 0,
    grade: null,
    meetsHubTarget: null,
    wue: null,
    cue: null,
    cueLocation: null,
    ref: null,
    erf: null,
    ere: null,
    dcie: null,
    meteringFault: false,
    faultReasons: [],
    coverageBy: { facility: 0, it: 0, renewable: null, reused: null, water: null },
    sources: { facility: null, it: null },
    energy: {
      facilityKwh: 0,
      itKwh: 0,
      renewableKwh: null,
      reusedKwh: null,
      waterM3: null,
      co2Kg: null,
      co2LocationKg: null,
    },
    dataError: `stored daily rollups do not align with the site's time zone ${site.timezone}: ${message}`,
  };
}

/** The 12 local months of a calendar year, or of the trailing-12 period starting at `start`. */
export function monthsOf(
  period: { start: number; year?: number },
  timeZone: string,
): { year: number; month: number; start: number; end: number }[] {
  if (period.year !== undefined) {
    const y = period.year;
    return Array.from({ length: 12 }, (_, i) => ({
      year: y,
      month: i + 1,
      ...localMonthRange(y, i + 1, timeZone),
    }));
  }
  const first = toLocal(period.start, timeZone);
  let y = first.year;
  let m = first.month;
  const out: { year: number; month: number; start: number; end: number }[] = [];
  for (let i = 0; i < 12; i++) {
    out.push({ year: y, month: m, ...localMonthRange(y, m, timeZone) });
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/** Monthly facility/IT energy, PUE and coverage; the months add up to the period (same attribution rules). */
export function monthlyRows(
  inputs: SiteInputs,
  period: { start: number; year?: number },
  timeZone: string,
): MonthlyRatingRow[] {
  try {
    if (period.year !== undefined && inputs.facility && inputs.it) {
      return monthlyBreakdown({
        facility: inputs.facility.input,
        it: inputs.it.input,
        timeZone,
        year: period.year,
      }).map((m) => ({
        year: period.year!,
        month: m.month,
        from: iso(m.start),
        to: iso(m.end),
        facilityKwh: m.facilityKwh,
        itKwh: m.itKwh,
        pue: m.pue,
        coverage: m.coverage,
      }));
    }
    return monthsOf(period, timeZone).map((m) => {
      const { facility: f, it: i, coverage } = energies(inputs, m);
      return {
        year: m.year,
        month: m.month,
        from: iso(m.start),
        to: iso(m.end),
        facilityKwh: f.energyKwh,
        itKwh: i.energyKwh,
        pue: pueOf(f.energyKwh, i.energyKwh),
        coverage,
      };
    });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return [];
  }
}
