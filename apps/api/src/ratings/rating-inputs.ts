/**
 * Which stored daily buckets a rating uses: the site-level meters, their buckets with local-day ends, and the energy
 * inputs chosen from them (counters when they read across the period, else power gauges). No I/O and no framework.
 */
import {
  localDayStart,
  nextLocalDayStart,
  type DailyBucket,
  type Gap,
  type Period,
  type MeteredInput,
  type MeterExchange,
  type SeriesInput,
} from '@dcfleet/green-metrics';
import type { DailyRow } from './ratings.repository';
import type { EnergySource } from '@dcfleet/contracts';

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
