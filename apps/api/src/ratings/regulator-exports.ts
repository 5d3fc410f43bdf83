/**
 * Regulator exports built from a year's ratings (docs/contract.md, "Regulator exports"): National Green Data Center
 * eligibility per site (green-metrics greenDcEligibility: each criterion met, failed or missing) and the EU EED
 * annual KPI report (Delegated Regulation (EU) 2024/1364, Annexes I and II: the fields dcfleet measures filled, the
 * others listed as not filled). No framework imports: pure functions over rows and sites.
 */
import type {
  EedExport,
  EedSiteReport,
  EligibilityCriterion,
  EligibilityExport,
  RatingRow,
  RatingsResponse,
} from '@dcfleet/contracts';
import {
  EU_EED_2024,
  NATIONAL_GREEN_DC_2025,
  euEedApplies,
  greenDcEligibility,
  type GreenDcScheme,
} from '@dcfleet/green-metrics';
import { NO_NAMES, type NameBook, type SiteEntity } from '../sites/sites.module';
import { csvCell } from './ratings-csv';

const YEAR_MS = 365.2425 * 86_400_000;

/** Whole years from commissioning to the end of the rated period; null when the commissioning date is unknown. */
function yearsInOperation(site: SiteEntity, periodEnd: number): number | null {
  if (site.commissionedAt === null) return null;
  return Math.max(0, Math.floor((periodEnd - site.commissionedAt) / YEAR_MS));
}

/** Racks in force at the end of the rated period (the row's), else the site's current count. */
function racksOf(row: RatingRow, site: SiteEntity): number | null {
  return row.racks !== undefined ? row.racks : site.racks;
}

function criteria(row: RatingRow, site: SiteEntity, scheme: GreenDcScheme): EligibilityCriterion[] {
  const years = yearsInOperation(site, Date.parse(row.to));
  const racks = racksOf(row, site);
  const grade = row.grade;
  return [
    {
      criterion: 'final annual rating without metering fault',
      required: 'final',
      value: row.meteringFault ? 'metering fault' : row.status,
      met: row.status === 'final' && !row.meteringFault,
    },
    {
      criterion: 'PUE',
      required: `≤ ${scheme.maxPue}`,
      value: row.pue === null ? null : row.pue.toFixed(3),
      met: row.pue === null ? null : row.pue <= scheme.maxPue + 1e-9,
    },
    {
      criterion: 'GB 40879-2021 grade',
      required: `grade ${scheme.maxGrade} or better`,
      value: grade === null ? null : String(grade),
      met: grade === null ? null : grade !== 'below-limit' && grade <= scheme.maxGrade,
    },
    {
      criterion: 'racks',
      required: `≥ ${scheme.minRacks} (public-institution and financial data centres exempt)`,
      value: racks === null ? null : String(racks),
      met: racks === null ? null : racks >= scheme.minRacks,
    },
    {
      criterion: 'rack occupancy',
      required: `≥ ${Math.round(scheme.minOccupancy * 100)} %`,
      value: null, // not recorded by dcfleet
      met: null,
    },
    {
      criterion: 'years in operation',
      required: `≥ ${scheme.minYearsInOperation}`,
      value: years === null ? null : String(years),
      met: years === null ? null : years >= scheme.minYearsInOperation,
    },
  ];
}

/** Eligibility of every site for the year's ratings; `missing` lists what must be supplied before it can pass. */
export function eligibilityExport(ratings: RatingsResponse, sites: readonly SiteEntity[]): EligibilityExport {
  const scheme = NATIONAL_GREEN_DC_2025;
  const byCode = new Map(sites.map((s) => [s.code, s]));
  return {
    year: ratings.year!,
    scope: ratings.scope,
    scheme: { id: scheme.id, name: scheme.name, edition: scheme.edition },
    sites: ratings.sites.map((row) => {
      const site = byCode.get(row.code)!;
      const result = greenDcEligibility({
        pue: row.pue,
        grade: row.grade,
        status: row.status,
        meteringFault: row.meteringFault,
        racks: racksOf(row, site),
        occupancy: null,
        yearsInOperation: yearsInOperation(site, Date.parse(row.to)),
      });
      const list = criteria(row, site, scheme);
      return {
        code: row.code,
        name: row.name,
        nameZh: row.nameZh ?? null,
        hub: row.hub,
        hubZh: row.hubZh ?? null,
        eligible: result.eligible,
        criteria: list,
        failed: list.filter((c) => c.met === false).map((c) => c.criterion),
        missing: list.filter((c) => c.met === null).map((c) => c.criterion),
        reasons: result.reasons,
        notAssessed: [...result.notAssessed],
      };
    }),
  };
}

/** Annex I/II fields dcfleet cannot fill: not measured or not recorded. */
export const EED_NOT_FILLED = [
  'total floor area (m²)',
  'computer room floor area (m²)',
  'installed power input (kW)',
  'incoming and outgoing data traffic bandwidth',
  'data stored and processed',
  'temperature set points',
  'potable water share of the water input',
  'renewable energy by instrument (guarantees of origin, PPAs, on-site)',
  'redundancy level',
] as const;

/** The EU EED annual report of every site for the year; `applies` says whether EED reporting is mandatory for it. */
export function eedExport(
  ratings: RatingsResponse,
  sites: readonly SiteEntity[],
  names: NameBook = NO_NAMES,
): EedExport {
  const scheme = EU_EED_2024;
  const byCode = new Map(sites.map((s) => [s.code, s]));
  return {
    year: ratings.year!,
    scope: ratings.scope,
    scheme: { id: scheme.id, name: scheme.name, edition: scheme.edition, minItPowerKw: scheme.minItPowerKw },
    notFilled: [...EED_NOT_FILLED],
    sites: ratings.sites.map((row): EedSiteReport => {
      const site = byCode.get(row.code)!;
      const e = row.energy;
      return {
        code: row.code,
        name: row.name,
        nameZh: row.nameZh ?? null,
        operator: site.operator,
        operatorZh: names.zh('operator', site.operator),
        region: site.region,
        regionZh: names.zh('region', site.region),
        latitude: site.latitude,
        longitude: site.longitude,
        commissionedAt: site.commissionedAt === null ? null : new Date(site.commissionedAt).toISOString(),
        applies: euEedApplies(site.itCapacityKw),
        installedItPowerKw: site.itCapacityKw,
        status: row.status,
        totalEnergyKwh: e.facilityTotalKwh ?? e.facilityKwh,
        itEnergyKwh: e.itTotalKwh ?? e.itKwh,
        pue: row.pue,
        wue: row.wue,
        waterInputM3: e.waterM3,
        reusedHeatKwh: e.reusedKwh,
        erf: row.erf,
        renewableEnergyKwh: e.renewableKwh,
        ref: row.ref,
      };
    }),
  };
}

function toCsv(header: readonly string[], rows: unknown[][]): string {
  const cell = (v: unknown) => csvCell(v === undefined ? null : (v as string | number | boolean | null));
  return `\uFEFF${[header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\r\n')}\r\n`;
}

export function eligibilityCsv(x: EligibilityExport): string {
  return toCsv(
    // Chinese names last: existing columns keep their positions.
    [
      'code',
      'name',
      'hub',
      'year',
      'scheme',
      'eligible',
      'failed',
      'missing',
      'not_assessed',
      'name_zh',
      'hub_zh',
    ],
    x.sites.map((s) => [
      s.code,
      s.name,
      s.hub,
      x.year,
      `${x.scheme.id} (${x.scheme.edition})`,
      s.eligible,
      s.failed.join('; '),
      s.missing.join('; '),
      s.notAssessed.join('; '),
      s.nameZh ?? null,
      s.hubZh ?? null,
    ]),
  );
}

const EED_COLUMNS = [
  'code',
  'name',
  'operator',
  'region',
  'latitude',
  'longitude',
  'start_of_operation',
  'reporting_year',
  'eed_applies',
  'installed_it_power_kw',
  'rating_status',
  'total_energy_kwh',
  'it_energy_kwh',
  'pue',
  'water_input_m3',
  'wue_l_per_kwh',
  'reused_heat_kwh',
  'erf',
  'renewable_energy_kwh',
  'ref',
  'not_filled',
  // Chinese names last: existing columns keep their positions.
  'name_zh',
  'operator_zh',
  'region_zh',
] as const;

export function eedCsv(x: EedExport): string {
  return toCsv(
    EED_COLUMNS,
    x.sites.map((s) => [
      s.code,
      s.name,
      s.operator,
      s.region,
      s.latitude,
      s.longitude,
      s.commissionedAt,
      x.year,
      s.applies,
      s.installedItPowerKw,
      s.status,
      s.totalEnergyKwh,
      s.itEnergyKwh,
      s.pue,
      s.waterInputM3,
      s.wue,
      s.reusedHeatKwh,
      s.erf,
      s.renewableEnergyKwh,
      s.ref,
      x.notFilled.join('; '),
      s.nameZh ?? null,
      s.operatorZh ?? null,
      s.regionZh ?? null,
    ]),
  );
}
