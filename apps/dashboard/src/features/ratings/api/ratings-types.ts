/**
 * Shapes of the ratings API (product.md §6, §8) as the dashboard reads them. They mirror the API's
 * ratings.types.ts, which is not in libs/contracts yet; fields the dashboard can live without are optional.
 */
import type { PueCategory } from '@dcfleet/contracts';

export type RatingStatus = 'final' | 'interim' | 'insufficient-data';
export type Grade = number | 'below-limit';

export interface RatingEnergy {
  facilityKwh: number;
  itKwh: number;
  renewableKwh?: number | null;
  reusedKwh?: number | null;
  waterM3?: number | null;
  co2Kg?: number | null;
  co2LocationKg?: number | null;
}

export interface RatingRow {
  code: string;
  name: string;
  hub: string | null;
  from?: string;
  to?: string;
  pue: number | null;
  pueCategory: PueCategory;
  status: RatingStatus;
  coverage: number;
  grade: Grade | null;
  meetsHubTarget: boolean | null;
  wue: number | null;
  cue: number | null;
  cueLocation?: number | null;
  ref: number | null;
  erf: number | null;
  ere: number | null;
  dcie?: number | null;
  meteringFault: boolean;
  faultReasons?: string[];
  coverageBy?: { facility: number; it: number };
  energy: RatingEnergy;
  dataError?: string;
}

export interface RatingScheme {
  id: string;
  name: string;
  edition: string;
  grades: { grade: number; maxPue: number }[];
  hubTarget: { defaultMaxPue: number; overrides: Record<string, number> };
}

export interface FleetRating {
  pue: number | null;
  dcie?: number | null;
  wue: number | null;
  cue: number | null;
  cueLocation?: number | null;
  ref: number | null;
  erf: number | null;
  ere: number | null;
  sites: number;
  excluded: number;
  energy: RatingEnergy;
}

export interface RatingsResponse {
  year?: number;
  scheme?: RatingScheme;
  generatedAt?: string;
  sites: RatingRow[];
  fleet: FleetRating | null;
}

export interface MonthlyRating {
  year?: number;
  month: number;
  facilityKwh: number;
  itKwh: number;
  pue: number | null;
  coverage: number;
}

export interface DataGap {
  from: string;
  to: string;
}

export interface ChainVerification {
  valid: boolean;
  firstBroken: { seq: number; reason: string; detail?: string } | null;
  verifiedAt?: string;
  receipts?: number;
}

export interface RatingEvidence {
  receiptCount: number;
  chainHead: { seq: number; hash: string } | null;
  chainVerification: ChainVerification | null;
  /** The API sends gaps per energy ({ facility, it }); older drafts sent one list. */
  dataGaps: { facility?: DataGap[]; it?: DataGap[] } | DataGap[];
}

export interface RatingRevision {
  id: number;
  year: number;
  month: number | null;
  previousPue: number | null;
  pue: number | null;
  revisedAt: string;
  reason: string;
}

export interface RatingDetail extends RatingRow {
  year?: number;
  scheme?: RatingScheme;
  generatedAt?: string;
  monthly: MonthlyRating[];
  evidence: RatingEvidence;
  revisions: RatingRevision[];
}
