/** CSV export of a ratings table (RFC 4180, UTF-8 with BOM so spreadsheet programs read Chinese names). */
import type { FleetRating, RatingEnergy, RatingsResponse, ScopeInfo } from '@dcfleet/contracts';
import { localDate } from '@dcfleet/green-metrics';

export const CSV_COLUMNS = [
  'code',
  'name',
  'hub',
  'from_date',
  'to_date',
  'status',
  'coverage',
  'pue',
  'grade',
  'meets_hub_target',
  'pue_category',
  'dcie',
  'wue_l_per_kwh',
  'cue_kg_per_kwh',
  'cue_location_kg_per_kwh',
  'ref',
  'erf',
  'ere',
  'metering_fault',
  'facility_kwh',
  'it_kwh',
  'renewable_kwh',
  'reused_kwh',
  'water_m3',
  'co2_kg',
  'co2_location_kg',
  'facility_total_kwh',
  'it_total_kwh',
  'facility_source',
  'it_source',
  'time_zone',
  'out_of_scope',
  'fault_reasons',
  'coverage_facility',
  'coverage_it',
  'coverage_renewable',
  'coverage_reused',
  'coverage_water',
  'scheme',
  'scheme_edition',
  'racks',
  'emission_factor_kg_per_kwh',
  'emission_factor_kind',
  'emission_factor_region',
  'emission_factor_year',
  'emission_factor_source',
  'reference_from_date',
  // Chinese names last, so existing columns keep their positions (docs/contract.md, "Chinese names").
  'name_zh',
  'hub_zh',
] as const;

/**
 * A period edge as the site's local calendar date (`inclusiveEnd`: the last day of a period ending at `iso`): the
 * CSV says 2025-01-01 … 2025-12-31 with the zone beside it, not 2024-12-31T16:00Z.
 */
function dateOf(iso: string, timeZone: string | undefined, inclusiveEnd = false): string {
  const ms = Date.parse(iso) - (inclusiveEnd ? 1 : 0);
  return timeZone ? localDate(ms, timeZone) : new Date(ms).toISOString().slice(0, 10);
}

type Cell = string | number | boolean | null | undefined;

/** Numbers rounded for reading (the JSON API has full precision): ratios 6 decimals, coverage 4, energies 3. */
function num(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : String(Number(v.toFixed(digits)));
}

/** Ratio columns dcie … ere (6 decimals), alike on a site's row and the fleet row. */
const RATIO_KEYS = ['dcie', 'wue', 'cue', 'cueLocation', 'ref', 'erf', 'ere'] as const;
/** Energy columns facility_kwh … co2_location_kg (3 decimals); the meters' own totals follow them. */
const ENERGY_KEYS = [
  'facilityKwh',
  'itKwh',
  'renewableKwh',
  'reusedKwh',
  'waterM3',
  'co2Kg',
  'co2LocationKg',
] as const;

function ratioCells(k: Pick<FleetRating, (typeof RATIO_KEYS)[number]>): Cell[] {
  return RATIO_KEYS.map((key) => num(k[key], 6));
}

function energyCells(e: RatingEnergy): Cell[] {
  // A meter's own total is left out when it equals the paired figure.
  const totals = [num(e.facilityTotalKwh ?? e.facilityKwh, 3), num(e.itTotalKwh ?? e.itKwh, 3)];
  return [...ENERGY_KEYS.map((key) => num(e[key], 3)), ...totals];
}

/** Quotes when needed; neutralises spreadsheet formulas in text (a site name starting with = + - @). */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function ratingsCsv(r: RatingsResponse): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const s of r.sites) {
    const cells: Cell[] = [
      s.code,
      s.name,
      s.hub,
      dateOf(s.from, s.timeZone),
      dateOf(s.to, s.timeZone, true),
      s.status,
      num(s.coverage, 4),
      num(s.pue, 6),
      s.grade,
      s.meetsHubTarget,
      s.pueCategory,
      ...ratioCells(s),
      s.meteringFault,
      ...energyCells(s.energy),
      s.sources.facility,
      s.sources.it,
      s.timeZone ?? 'UTC',
      s.outOfScope ?? null,
      s.faultReasons.join('; '),
      num(s.coverageBy.facility, 4),
      num(s.coverageBy.it, 4),
      num(s.coverageBy.renewable, 4),
      num(s.coverageBy.reused, 4),
      num(s.coverageBy.water, 4),
      r.scheme.id,
      r.scheme.edition,
      s.racks ?? null,
      s.emissionFactor?.factor ?? null,
      s.emissionFactor?.kind ?? null,
      s.emissionFactor?.region ?? null,
      s.emissionFactor?.year ?? null,
      s.emissionFactor?.source ?? null,
      s.referenceFrom ? dateOf(s.referenceFrom, s.timeZone) : null,
      s.nameZh ?? null,
      s.hubZh ?? null,
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  const f = r.fleet;
  const fleet: Cell[] = [
    'FLEET',
    `Fleet of ${scopeText(r.scope)}, energy-weighted (${f.sites} sites, ${f.excluded} excluded${excludedText(f.excludedBy)})`,
    null,
    null,
    null,
    f.status,
    num(f.coverage, 4),
    num(f.pue, 6),
    null,
    null,
    f.pueCategories.join('/'),
    ...ratioCells(f),
    null,
    ...energyCells(f.energy),
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    r.scheme.id,
    r.scheme.edition,
  ];
  // Per-site columns after the scheme (racks, emission factor, reference date) stay empty on the fleet row.
  while (fleet.length < CSV_COLUMNS.length) fleet.push(null);
  lines.push(fleet.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function excludedText(by: RatingsResponse['fleet']['excludedBy']): string {
  const order = ['interim', 'insufficient-data', 'metering-fault'] as const;
  const parts = order.filter((why) => by[why]).map((why) => `${by[why]} ${why}`);
  return parts.length ? `: ${parts.join(', ')}` : '';
}

/** Whose fleet the FLEET row is: the caller's scope, so a file passed on says what it covers. */
function scopeText(scope: ScopeInfo): string {
  switch (scope.kind) {
    case 'hub':
      return 'all sites';
    case 'organization':
      return `${scope.name}${scope.nameZh ? ` / ${scope.nameZh}` : ''} (${scope.code})`;
    case 'regions':
      return `regions ${scope.regions.join(' / ')}`;
  }
}
