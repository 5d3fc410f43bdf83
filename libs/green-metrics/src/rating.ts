/**
 * One site's rating for one period (normally a local calendar year), from period totals.
 */
import type { RatingEnergy } from '@dcfleet/contracts';
import { cue, cueLocation, dcie, ere, erf, pue as pueOf, ref, wue } from './kpi';
import type { PueCategory } from './kpi';
import { GB40879_2021, HUB_TARGETS, gradeFor, meetsHubTarget as meetsHubTargetFor } from './schemes';
import type { Grade, GradingScheme, HubTargets } from './schemes';
import { STATUS_THRESHOLDS, checkMetering, clampCoverage, ratingStatus } from './status';
import type { RatingStatus, StatusThresholds } from './status';

/** A period total with its coverage; `energyKwh`/`coverage` match PeriodEnergy, so one can be passed as is. */
export interface EnergyTotal {
  energyKwh: number;
  coverage: number;
}

export interface WaterTotal {
  m3: number;
  coverage: number;
  /**
   * IT energy over the days the water meter's readings span (meteredSpan), when that is less than the period:
   * WUE then divides like by like (a meter installed in July: half a year of water over half a year of IT).
   */
  itKwh?: number;
}

export interface RatingOptions {
  scheme?: GradingScheme;
  hubTargets?: HubTargets;
  statusThresholds?: StatusThresholds;
}

export interface SiteRatingInput {
  /** Facility and IT energy over the time both measured (pairedEnergy): PUE and DCiE. */
  facility: EnergyTotal;
  it: EnergyTotal;
  /**
   * Each meter's own total over the whole period (PairedEnergy.totals), the basis of WUE, CUE, REF, ERF and ERE, whose
   * other quantities (water, renewable, reused) are whole-period totals too. Absent: the paired figures.
   */
  totals?: { facilityKwh: number; itKwh: number };
  /**
   * Share of the period whose energy enters BOTH totals (pairedEnergy's `coverage`): decides the status together
   * with the two coverages. Absent: the two coverages alone.
   */
  commonCoverage?: number;
  /** Renewable energy whose certificates the site holds. Null/absent: not reported. */
  renewable?: EnergyTotal | null;
  /** Energy delivered for reuse outside the site. Null/absent: not reported. */
  reused?: EnergyTotal | null;
  water?: WaterTotal | null;
  /** Where IT energy is metered (1 UPS output, 2 PDU output, 3 IT input). Default 1. */
  pueCategory?: PueCategory;
  /** kgCO₂e/kWh; null/absent: no CUE. */
  gridEmissionFactor?: number | null;
  hub?: string | null;
  /** Rack count; a site within the scheme's edge size (GB 40879: ≤ 100 racks) is not graded. Null: unknown. */
  racks?: number | null;
  /** Whether the period is over. Before its end a rating is at best 'interim' (never graded). Default true. */
  periodEnded?: boolean;
  options?: RatingOptions;
}

export interface SiteRating {
  pue: number | null;
  dcie: number | null;
  pueCategory: PueCategory;
  status: RatingStatus;
  /** min(facility, IT, common) coverage: the one that decides the status. */
  coverage: number;
  grade: Grade | null;
  /** Why a site is outside the grading scheme (an edge data center); null when it is in scope. */
  outOfScope: string | null;
  meetsHubTarget: boolean | null;
  wue: number | null;
  cue: number | null;
  cueLocation: number | null;
  ref: number | null;
  erf: number | null;
  ere: number | null;
  meteringFault: boolean;
  faultReasons: string[];
  schemeId: string;
  /** Coverage of every input (null: not reported). The optional KPIs are informative at any coverage. */
  coverageBy: {
    facility: number;
    it: number;
    renewable: number | null;
    reused: number | null;
    water: number | null;
  };
  energy: RatingEnergy;
}

/**
 * Rate a site. Status comes from the coverage of BOTH energies; grade and hub target are given only for
 * a 'final' period without a metering fault (an interim PUE is shown, never graded). A metering fault
 * still reports the computed values, flagged.
 *
 * KPIs needing an unreported quantity are null; a missing renewable figure counts as 0 for CUE only
 * (no certificates on record means all energy is grid energy), keeping CUE conservative.
 */
export function rateSite(input: SiteRatingInput): SiteRating {
  const scheme = input.options?.scheme ?? GB40879_2021;
  const hubTargets = input.options?.hubTargets ?? HUB_TARGETS;
  const thresholds = input.options?.statusThresholds ?? STATUS_THRESHOLDS;

  // PUE over the time both energies were measured; every other KPI over the whole period, like its other inputs.
  const eDc = input.facility.energyKwh;
  const eIt = input.it.energyKwh;
  const totalDc = input.totals?.facilityKwh ?? eDc;
  const totalIt = input.totals?.itKwh ?? eIt;
  const eRen = input.renewable?.energyKwh ?? null;
  const eReuse = input.reused?.energyKwh ?? null;
  const waterM3 = input.water?.m3 ?? null;
  const waterItKwh = waterM3 === null ? null : (input.water?.itKwh ?? totalIt);
  const ef = input.gridEmissionFactor ?? null;

  const common = input.commonCoverage ?? 1;
  const facilityCoverage = Math.min(input.facility.coverage, common);
  const itCoverage = Math.min(input.it.coverage, common);
  const status = ratingStatus(facilityCoverage, itCoverage, thresholds, input.periodEnded ?? true);
  const metering = checkMetering(eDc, eIt);
  const pue = pueOf(eDc, eIt);
  const gradable = status === 'final' && !metering.meteringFault;
  const racks = input.racks ?? null;
  const outOfScope =
    scheme.edgeMaxRacks !== undefined && racks !== null && racks <= scheme.edgeMaxRacks
      ? `edge data center (${racks} racks, at most ${scheme.edgeMaxRacks}): outside ${scheme.id}`
      : null;
  // Emissions only from usable inputs (finite, ≥ 0), like the KPI functions.
  const emitting = ef !== null && ef >= 0 && Number.isFinite(ef) && totalDc >= 0 && Number.isFinite(totalDc);
  const co2Kg = emitting ? ef * Math.max(0, totalDc - (eRen ?? 0)) : null;

  return {
    pue,
    dcie: dcie(eDc, eIt),
    pueCategory: input.pueCategory ?? 1,
    status,
    coverage: Math.min(clampCoverage(facilityCoverage), clampCoverage(itCoverage)),
    grade: gradable && outOfScope === null ? gradeFor(pue, scheme) : null,
    outOfScope,
    meetsHubTarget: gradable ? meetsHubTargetFor(pue, input.hub, hubTargets) : null,
    wue: waterM3 === null || waterItKwh === null ? null : wue(waterM3, waterItKwh),
    cue: ef === null ? null : cue(ef, totalDc, eRen ?? 0, totalIt),
    cueLocation: ef === null ? null : cueLocation(ef, totalDc, totalIt),
    ref: eRen === null ? null : ref(eRen, totalDc),
    erf: eReuse === null ? null : erf(eReuse, totalDc),
    ere: eReuse === null ? null : ere(totalDc, eReuse, totalIt),
    meteringFault: metering.meteringFault,
    faultReasons: metering.reasons,
    schemeId: scheme.id,
    coverageBy: {
      facility: clampCoverage(input.facility.coverage),
      it: clampCoverage(input.it.coverage),
      renewable: input.renewable ? clampCoverage(input.renewable.coverage) : null,
      reused: input.reused ? clampCoverage(input.reused.coverage) : null,
      water: input.water ? clampCoverage(input.water.coverage) : null,
    },
    energy: {
      facilityKwh: eDc,
      itKwh: eIt,
      renewableKwh: eRen,
      reusedKwh: eReuse,
      waterM3,
      waterItKwh,
      co2Kg,
      co2LocationKg: emitting ? ef * totalDc : null,
      facilityTotalKwh: totalDc,
      itTotalKwh: totalIt,
    },
  };
}
