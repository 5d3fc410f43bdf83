/**
 * Rating schemes as DATA (green-metrics.md §7–§8). A new edition of a standard is a new constant of the
 * same shape (or one loaded from config) passed to the same functions — no code change.
 */
import type { Grade } from '@dcfleet/contracts';
import { THRESHOLD_EPSILON } from './status';
import type { RatingStatus } from './status';

/** A grade number (1 = best) or 'below-limit' (worse than the limit value); defined in libs/contracts. */
export type { Grade };

export interface GradeBand {
  grade: number;
  /** Upper bound, inclusive. */
  maxPue: number;
}

export interface GradingScheme {
  id: string;
  name: string;
  edition: string;
  indicator: string;
  /** Any order; the best (lowest maxPue) band that admits the value wins. The loosest band is the limit. */
  grades: readonly GradeBand[];
  /** Sites with at most this many racks are edge data centers, outside the scheme: not graded. */
  edgeMaxRacks?: number;
  note?: string;
}

export const GB40879_2021: GradingScheme = {
  id: 'GB40879-2021',
  name: 'GB 40879 数据中心能效限定值及能效等级',
  edition: '2021',
  indicator: '电能比 (PUE)',
  grades: [
    { grade: 1, maxPue: 1.2 },
    { grade: 2, maxPue: 1.3 },
    { grade: 3, maxPue: 1.5 },
  ],
  edgeMaxRacks: 100,
  note: 'Grade 1/2 bounds 1.20/1.30 are widely quoted but UNCONFIRMED against the standard text (green-metrics.md §8.1).',
};

/**
 * GB 40879 grade for a PUE. Null when not gradable (null, non-finite or < 1 — a PUE below 1 is a
 * metering fault). A value exactly at a bound gets that grade; no rounding (a 1.202 is grade 2).
 */
export function gradeFor(pue: number | null | undefined, scheme: GradingScheme = GB40879_2021): Grade | null {
  if (pue === null || pue === undefined || !Number.isFinite(pue) || pue < 1) return null;
  const bands = [...scheme.grades].sort((a, b) => a.maxPue - b.maxPue);
  const band = bands.find((b) => pue <= b.maxPue + THRESHOLD_EPSILON);
  return band ? band.grade : 'below-limit';
}

export interface HubTargets {
  id: string;
  /** PUE ≤ this meets the target, for hubs without an override. */
  defaultMaxPue: number;
  /** Per-hub max PUE, keyed by the site's `hub` value exactly. */
  overrides: Readonly<Record<string, number>>;
}

/**
 * National hub-node target (Dec 2021 East-Data-West-Computing plan, hub nodes < 1.25; docs/contract.md "Green ratings":
 * PUE ≤ 1.25). Western hubs' 1.2 is only secondary-sourced (§8.3), so no override ships by default.
 */
export const HUB_TARGETS: HubTargets = { id: 'hub-targets-2021', defaultMaxPue: 1.25, overrides: {} };

export function hubTargetFor(hub: string | null | undefined, targets: HubTargets = HUB_TARGETS): number {
  const override = hub ? targets.overrides[hub] : undefined;
  return override ?? targets.defaultMaxPue;
}

/** True when PUE ≤ the hub's target; null when there is no gradable PUE. */
export function meetsHubTarget(
  pue: number | null | undefined,
  hub: string | null | undefined,
  targets: HubTargets = HUB_TARGETS,
): boolean | null {
  if (pue === null || pue === undefined || !Number.isFinite(pue) || pue < 1) return null;
  return pue <= hubTargetFor(hub, targets) + THRESHOLD_EPSILON;
}

export interface GreenDcScheme {
  id: string;
  name: string;
  edition: string;
  maxPue: number;
  /** GB 40879 grade this or better (lower number). */
  maxGrade: number;
  minRacks: number;
  /** Rack occupancy (上架率), 0..1. */
  minOccupancy: number;
  minYearsInOperation: number;
  /** Criteria that telemetry cannot check; reported as not assessed. */
  notAssessed: readonly string[];
}

export const NATIONAL_GREEN_DC_2025: GreenDcScheme = {
  id: 'MIIT-green-dc-2025',
  name: '国家绿色数据中心 (MIIT 工信厅联节函〔2025〕279号)',
  edition: '2025',
  maxPue: 1.3,
  maxGrade: 2,
  minRacks: 3000,
  minOccupancy: 0.6,
  minYearsInOperation: 1,
  notAssessed: [
    'GB/T 44989-2024 green data centre grade 2 or better',
    "renewable utilisation ≥ the province's consumption-responsibility weight",
    'servers at or above GB 43630-2023 energy-saving level',
    'independent legal person, power distribution and cooling; hub location for DCs built after 2022',
  ],
};

export interface GreenDcInput {
  pue: number | null;
  grade: Grade | null;
  /** When given, anything but 'final' (a full, graded year) fails. */
  status?: RatingStatus;
  meteringFault?: boolean;
  racks: number | null;
  /** 0..1 */
  occupancy: number | null;
  yearsInOperation: number | null;
  /** Public-institution and financial DCs are exempt from the rack-count rule. */
  scaleExempt?: boolean;
}

export interface GreenDcEligibility {
  eligible: boolean;
  /** Why not eligible; empty when eligible. Missing data is a reason too. */
  reasons: string[];
  notAssessed: readonly string[];
}

/**
 * Screen a site against the National Green Data Center eligibility rules that telemetry can check.
 * `eligible` means "passes these checks", not "certified": see `notAssessed`.
 */
export function greenDcEligibility(
  input: GreenDcInput,
  scheme: GreenDcScheme = NATIONAL_GREEN_DC_2025,
): GreenDcEligibility {
  const reasons: string[] = [];
  if (input.meteringFault) reasons.push('metering fault: the PUE cannot be used');
  if (input.status !== undefined && input.status !== 'final') {
    reasons.push(`rating status is ${input.status}, a final annual rating is required`);
  }
  if (input.pue === null || !Number.isFinite(input.pue)) reasons.push('no PUE');
  else if (input.pue > scheme.maxPue + THRESHOLD_EPSILON)
    reasons.push(`PUE ${input.pue} exceeds ${scheme.maxPue}`);
  if (input.grade === null) reasons.push('no GB 40879 grade');
  else if (input.grade === 'below-limit' || input.grade > scheme.maxGrade) {
    reasons.push(`GB 40879 grade ${input.grade} is worse than grade ${scheme.maxGrade}`);
  }
  if (!input.scaleExempt) {
    if (input.racks === null) reasons.push('rack count unknown');
    else if (input.racks < scheme.minRacks)
      reasons.push(`${input.racks} racks, at least ${scheme.minRacks} required`);
  }
  if (input.occupancy === null) reasons.push('rack occupancy unknown');
  else if (input.occupancy < scheme.minOccupancy - THRESHOLD_EPSILON) {
    reasons.push(`rack occupancy ${input.occupancy} below ${scheme.minOccupancy}`);
  }
  if (input.yearsInOperation === null) reasons.push('time in operation unknown');
  else if (input.yearsInOperation < scheme.minYearsInOperation) {
    reasons.push(
      `${input.yearsInOperation} years in operation, at least ${scheme.minYearsInOperation} required`,
    );
  }
  return { eligible: reasons.length === 0, reasons, notAssessed: scheme.notAssessed };
}

export type EedKpi = 'pue' | 'wue' | 'erf' | 'ref';

export interface EuEedScheme {
  id: string;
  name: string;
  edition: string;
  /** Reporting applies from this installed IT power demand, kW (inclusive). */
  minItPowerKw: number;
  kpis: readonly EedKpi[];
}

export const EU_EED_2024: EuEedScheme = {
  id: 'EU-2024/1364',
  name: 'EU Energy Efficiency Directive 2023/1791 Art. 12, Delegated Regulation (EU) 2024/1364',
  edition: '2024',
  minItPowerKw: 500,
  kpis: ['pue', 'wue', 'erf', 'ref'],
};

/** True when the site's installed IT power demand puts it under EU EED reporting. Unknown capacity → false. */
export function euEedApplies(
  itCapacityKw: number | null | undefined,
  scheme: EuEedScheme = EU_EED_2024,
): boolean {
  return (
    typeof itCapacityKw === 'number' && Number.isFinite(itCapacityKw) && itCapacityKw >= scheme.minItPowerKw
  );
}
