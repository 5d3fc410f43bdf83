/**
 * Fleet figures, energy-weighted (EU 2024/1364 Annex IV style): Σ E_DC / Σ E_IT, never the mean of
 * site PUEs, which would give a small site the same weight as a large one (green-metrics.md D10).
 */
import type { FleetExclusion, FleetRating, RatingStatus } from '@dcfleet/contracts';
import type { SiteRating } from './rating';
import { STATUS_THRESHOLDS, ratingStatus, type StatusThresholds } from './status';

export type FleetRow = Pick<SiteRating, 'status' | 'meteringFault' | 'pueCategory' | 'energy'>;

/** The fleet row of the ratings API (libs/contracts FleetRating: field by field documented there). */
export type FleetAggregate = FleetRating;

/**
 * Whether a row enters the fleet figures: no metering fault, and status final — or, while the period runs (no site
 * can be final yet), interim.
 */
export function isFleetEligible(row: FleetRow, periodEnded = true): boolean {
  if (row.meteringFault) return false;
  return row.status === 'final' || (!periodEnded && row.status === 'interim');
}

/** Why a row is left out of the fleet figures (FleetRating.excludedBy). */
function exclusionOf(row: FleetRow): FleetExclusion {
  return row.meteringFault ? 'metering-fault' : row.status === 'interim' ? 'interim' : 'insufficient-data';
}

export interface FleetOptions {
  /** Whether the period is over (default true): then only final sites count. */
  periodEnded?: boolean;
  statusThresholds?: StatusThresholds;
}

/**
 * Aggregate site rows (rateSite results for the same period). Included: final rows without a metering fault (while
 * the period runs: interim rows) — a faulty, partial or nearly empty row would distort the totals. The fleet row has
 * a status of its own: from `coverage`, the share of the fleet's measured IT energy in the included rows, with the
 * site thresholds (final ≥ 95 %); interim while the period runs. `excludedBy` counts the rows left out, by reason.
 *
 * Optional quantities come in two kinds. Consumption (water, CO₂): WUE and CUE are computed over the rows
 * that report the quantity (numerator AND denominator from the same rows), so a site without a water meter
 * does not dilute the fleet WUE — its water is unknown, not zero. Credits (renewable energy, reused heat):
 * REF, ERF and ERE are computed over ALL included rows, a site without the meter counting as none — a site
 * claims renewable or reused energy only with metering, and a fleet ERF over just the two sites that reuse
 * heat would overstate the fleet's reuse many times over.
 */
export function aggregateFleet(rows: readonly FleetRow[], options: FleetOptions = {}): FleetAggregate {
  const periodEnded = options.periodEnded ?? true;
  const thresholds = options.statusThresholds ?? STATUS_THRESHOLDS;
  const included = rows.filter((r) => isFleetEligible(r, periodEnded));
  // Like the sites' own KPIs: PUE over the paired energies, the others over each meter's whole-period total.
  const totalDc = (r: FleetRow) => r.energy.facilityTotalKwh ?? r.energy.facilityKwh;
  const totalIt = (r: FleetRow) => r.energy.itTotalKwh ?? r.energy.itKwh;
  const excludedBy: FleetAggregate['excludedBy'] = {};
  for (const r of rows) {
    if (isFleetEligible(r, periodEnded)) continue;
    const why = exclusionOf(r);
    excludedBy[why] = (excludedBy[why] ?? 0) + 1;
  }
  const facilityKwh = sum(included.map((r) => r.energy.facilityKwh));
  const itKwh = sum(included.map((r) => r.energy.itKwh));

  /** The rows reporting a quantity: its total, and their facility and IT energy (`itOf`: which IT energy). */
  const subset = (pick: (r: FleetRow) => number | null, itOf: (r: FleetRow) => number = totalIt) => {
    const withValue = included.filter((r) => pick(r) !== null);
    if (withValue.length === 0) return null;
    return {
      value: sum(withValue.map((r) => pick(r) ?? 0)),
      facilityKwh: sum(withValue.map(totalDc)),
      itKwh: sum(withValue.map(itOf)),
    };
  };
  const facilityTotalKwh = sum(included.map(totalDc));
  const itTotalKwh = sum(included.map(totalIt));
  // WUE divides by the IT energy of the days each water meter measured (part-year meters: less than itKwh).
  const water = subset(
    (r) => r.energy.waterM3,
    (r) => r.energy.waterItKwh ?? totalIt(r),
  );
  const renewable = subset((r) => r.energy.renewableKwh);
  // REF is capped per site: one site's surplus renewables do not offset another site's grid energy.
  const renewableCapped = subset((r) =>
    r.energy.renewableKwh === null ? null : Math.min(r.energy.renewableKwh, totalDc(r)),
  );
  const reused = subset((r) => r.energy.reusedKwh);
  // Credits: over all included rows (see above); null only when no row reports the quantity at all.
  const reusedKwh = reused === null ? null : reused.value;
  const renewableCappedKwh = renewableCapped === null ? null : renewableCapped.value;
  const co2 = subset((r) => r.energy.co2Kg);
  const co2Location = subset((r) => r.energy.co2LocationKg);

  const categories = [...new Set(included.map((r) => r.pueCategory))].sort((a, b) => a - b);
  // The share of the fleet's measured IT energy the figures stand on: sites left out lower it.
  const measuredItKwh = sum(
    rows.map((r) => (Number.isFinite(r.energy.itKwh) && r.energy.itKwh > 0 ? r.energy.itKwh : 0)),
  );
  const coverage = included.length === 0 ? 0 : measuredItKwh > 0 ? Math.min(1, itKwh / measuredItKwh) : 0;
  const status: RatingStatus =
    included.length === 0
      ? 'insufficient-data'
      : periodEnded
        ? ratingStatus(coverage, coverage, thresholds)
        : 'interim';
  return {
    status,
    coverage,
    excludedBy,
    pue: div(facilityKwh, itKwh),
    dcie: div(itKwh, facilityKwh),
    wue: water && div(water.value * 1000, water.itKwh),
    cue: co2 && div(co2.value, co2.itKwh),
    cueLocation: co2Location && div(co2Location.value, co2Location.itKwh),
    ref: renewableCappedKwh === null ? null : div(renewableCappedKwh, facilityTotalKwh),
    erf: reusedKwh === null ? null : div(reusedKwh, facilityTotalKwh),
    ere: reusedKwh === null ? null : div(facilityTotalKwh - reusedKwh, itTotalKwh),
    sites: included.length,
    excluded: rows.length - included.length,
    pueCategories: categories,
    mixedCategories: categories.length > 1,
    energy: {
      facilityKwh,
      itKwh,
      facilityTotalKwh,
      itTotalKwh,
      renewableKwh: renewable?.value ?? null,
      reusedKwh: reused?.value ?? null,
      waterM3: water?.value ?? null,
      co2Kg: co2?.value ?? null,
      co2LocationKg: co2Location?.value ?? null,
    },
  };
}

function sum(values: number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

function div(numerator: number, denominator: number): number | null {
  return denominator > 0 && Number.isFinite(numerator) && Number.isFinite(denominator)
    ? numerator / denominator
    : null;
}
