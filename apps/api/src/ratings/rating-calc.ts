/**
 * From a site's chosen inputs (rating-inputs.ts) to a rating row, monthly rows and data gaps, using
 * @dcfleet/green-metrics. No I/O and no framework: the service reads the buckets, these files decide what they mean.
 */
import {
  counterEnergy,
  localMonthRange,
  monthlyBreakdown,
  meteredSpan,
  pairedEnergy,
  periodEnergy,
  pue as pueOf,
  rateSite,
  type DailyBucket,
  type EnergyTotal,
  type Period,
  type PeriodEnergy,
  type PueCategory,
  type RatingOptions,
  type SiteRating,
  toLocal,
} from '@dcfleet/green-metrics';
import type { SiteEntity } from '../sites/sites.module';
import type { MeterQuality, MonthlyRatingRow, RatingRow } from '@dcfleet/contracts';
import type { ReadingGap, SiteInputs } from './rating-inputs';

export interface ComputedRating {
  row: RatingRow;
  rating: SiteRating | null;
  gaps: { facility: ReadingGap[]; it: ReadingGap[] };
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

/**
 * The gaps as of `now`: while a period runs, the time after now is not missing data, only not yet here, so a
 * gap is cut at now and one that starts later is dropped (the current year listed "5 Dec – 1 Jan" as a gap).
 */
export function gapsUntil(gaps: readonly ReadingGap[], now: number): ReadingGap[] {
  return gaps.filter((g) => g.from < now).map((g) => (g.to > now ? { ...g, to: now } : g));
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
