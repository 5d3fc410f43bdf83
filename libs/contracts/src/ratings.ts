/**
 * Response shapes of the ratings API (docs/contract.md "API" and "Green ratings"): GET /api/v1/ratings, /ratings/:code. Shared by the
 * API, which builds them, and the dashboard, which reads them.
 *
 * contracts depends on nothing of ours (docs/architecture.md), so RatingStatus, Grade and the fleet row are
 * defined here, and @dcfleet/green-metrics (which may depend on contracts) uses these definitions.
 */
import type { EmissionFactorUsed, PueCategory } from './site';
import type { ScopeInfo } from './api';

/** Coverage status of a rating. */
export type RatingStatus = 'final' | 'interim' | 'insufficient-data';

/** A grade number (1 = best) or 'below-limit' (worse than the limit value). */
export type Grade = number | 'below-limit';

/** What measured an energy: its counter, its power gauges, or both in turn within the period (stitched). */
export type EnergySource = 'counter' | 'power' | 'counter+power' | null;

export interface RatingEnergy {
  /** Facility and IT energy over the time BOTH measured (the paired window): what PUE and DCiE divide. */
  facilityKwh: number;
  itKwh: number;
  /**
   * Each meter's own total over the period (absent: equal to the paired figures). The other KPIs — WUE, CUE, REF,
   * ERF, ERE — divide these, over the same whole period as the water, renewable and reused totals (docs/contract.md, "One
   * window per KPI").
   */
  facilityTotalKwh?: number;
  itTotalKwh?: number;
  /** null: the site reports no such series for the period. */
  renewableKwh: number | null;
  reusedKwh: number | null;
  waterM3: number | null;
  /**
   * The IT energy WUE divides the water by: over the days the water meter measured (itKwh when it measured the
   * whole period); null without water.
   */
  waterItKwh?: number | null;
  /** Market-based emissions EF × max(0, E_DC − E_REN), kgCO₂e (null without a grid emission factor). */
  co2Kg: number | null;
  /** Location-based emissions EF × E_DC, kgCO₂e. */
  co2LocationKg: number | null;
}

/** A counter's replacement or glitch (green-metrics MeterEvent), times as ISO 8601. */
export interface MeterEventInfo {
  /** `exchange`: recorded through the meter-exchange API and applied instead of the meter rule. */
  kind: 'replacement' | 'glitch' | 'exchange';
  /** The first reading after the fall; `withinDay`: the start of the local day that holds it. */
  at: string;
  withinDay: boolean;
  count: number;
  /** Glitch: how far readings fell (kWh); replacement: null. */
  size: number | null;
  before: number | null;
  after: number | null;
}

/** Data quality of one energy counter over the period: replacements and glitches (docs/contract.md, "Counters that fall"). */
export interface MeterQuality {
  replacements: number;
  glitches: number;
  /** kWh the readings fell as glitches (added no energy). */
  glitchDropKwh: number;
  /** Every event, oldest first (at most 200; `truncated` says when there were more). */
  events: MeterEventInfo[];
  truncated: boolean;
}

/** One site's rating for one period. */
export interface RatingRow {
  code: string;
  name: string;
  /** The site's Chinese name and its hub's (the hub's name list), or null. */
  nameZh?: string | null;
  hub: string | null;
  hubZh?: string | null;
  /** [from, to) of the period in the site's local calendar, ISO 8601. */
  from: string;
  to: string;
  /** The site's IANA time zone, whose local calendar the period follows. */
  timeZone?: string;
  pue: number | null;
  pueCategory: PueCategory;
  status: RatingStatus;
  /** min(facility, IT) coverage, 0..1: the figure that decides the status. */
  coverage: number;
  grade: Grade | null;
  /** Why the site is outside the grading scheme (an edge data center of ≤ 100 racks for GB 40879), else null. */
  outOfScope?: string | null;
  meetsHubTarget: boolean | null;
  wue: number | null;
  cue: number | null;
  cueLocation: number | null;
  ref: number | null;
  erf: number | null;
  ere: number | null;
  dcie: number | null;
  meteringFault: boolean;
  faultReasons: string[];
  coverageBy: {
    facility: number;
    it: number;
    renewable: number | null;
    reused: number | null;
    water: number | null;
  };
  sources: { facility: EnergySource; it: EnergySource };
  /** Meter replacements and glitches of the energy counters (null for power gauges or no data). */
  meters?: { facility: MeterQuality | null; it: MeterQuality | null };
  energy: RatingEnergy;
  /** Racks in force at the end of the period (what decides the GB 40879 scope). */
  racks?: number | null;
  /** The grid emission factor CUE used (null: none known for the site's region and year, so no CUE). */
  emissionFactor?: EmissionFactorUsed | null;
  /** When the site reference data this row used (racks, category, region, certification) took effect. */
  referenceFrom?: string | null;
  /** Set when the site's stored data could not be rated (e.g. daily buckets of an earlier time zone). */
  dataError?: string;
}

export interface RatingScheme {
  id: string;
  name: string;
  edition: string;
  grades: { grade: number; maxPue: number }[];
  hubTarget: { defaultMaxPue: number; overrides: Record<string, number> };
  statusThresholds: { final: number; interim: number };
  /** The rules of status, coverage, counters, time windows and reference data, as the README states them. */
  rules?: string[];
}

export interface RatingsPeriod {
  /** Calendar year (site local time), or absent for a trailing period. */
  year?: number;
  period?: 'trailing12';
}

/**
 * The energy-weighted fleet row (computed by green-metrics aggregateFleet): Σ E_DC / Σ E_IT …, never the mean
 * of site PUEs.
 */
/** Why a site is left out of the fleet figures. */
export type FleetExclusion = 'interim' | 'insufficient-data' | 'metering-fault';

export interface FleetRating {
  /**
   * The fleet row's own status: from `coverage` with the site thresholds once the period has ended (only final
   * sites count then); interim while it runs (interim sites count).
   */
  status: RatingStatus;
  /** Share (0..1) of the fleet's measured IT energy that the included sites carry. */
  coverage: number;
  /** Sites left out, by reason. */
  excludedBy: Partial<Record<FleetExclusion, number>>;
  pue: number | null;
  dcie: number | null;
  /** L/kWh over the sites that report water. */
  wue: number | null;
  /** kgCO₂e/kWh over the sites with an emission factor. */
  cue: number | null;
  cueLocation: number | null;
  /** Over all included sites: a site without a renewable meter claims none (null when no site reports any). */
  ref: number | null;
  /** Over all included sites, like ref: no reuse meter, no reuse (as is ere). */
  erf: number | null;
  ere: number | null;
  /** Rows included / left out. */
  sites: number;
  excluded: number;
  /** Distinct PUE categories of the included rows; `mixedCategories` warns that their PUEs differ in kind. */
  pueCategories: PueCategory[];
  mixedCategories: boolean;
  energy: RatingEnergy;
}

export interface RatingsResponse extends RatingsPeriod {
  scheme: RatingScheme;
  generatedAt: string;
  /** The sites the table and the fleet row cover: the caller's scope. */
  scope: ScopeInfo;
  sites: RatingRow[];
  /** Energy-weighted (Σ E_DC / Σ E_IT …) over final rows without metering fault (interim ones while the period runs). */
  fleet: FleetRating;
}

export interface MonthlyRatingRow {
  year: number;
  /** 1-12, local calendar month of the site. */
  month: number;
  from: string;
  to: string;
  facilityKwh: number;
  itKwh: number;
  pue: number | null;
  coverage: number;
}

export interface DataGap {
  from: string;
  to: string;
  /** A counter read across the stretch (the meter kept counting): its energy is known, its time counts as measured. */
  bridged?: boolean;
}

export type ChainBreakReason = 'hash mismatch' | 'prev link broken' | 'sequence gap' | 'head mismatch';

export interface ChainBreak {
  /** Sequence number where the chain first fails. */
  seq: number;
  /** Receipt id at that point; null when the receipt is missing (a gap at the end of the chain). */
  id: string | null;
  reason: ChainBreakReason;
  detail: string;
}

/**
 * Result of recomputing a site's receipt hash chain from the stored receipts (also the body of
 * GET /api/v1/datacenters/:code/receipts/verify).
 */
export interface ChainVerification {
  datacenter: string;
  /** Receipts checked. */
  receipts: number;
  /** Head recorded on the site (sites.chain_seq / chain_head) when the verification started. */
  head: { seq: number; hash: string };
  valid: boolean;
  firstBroken: ChainBreak | null;
  verifiedAt: string;
  /** 'full': every receipt from seq 1; 'incremental': from a checkpoint of an earlier full pass. */
  scope: 'full' | 'incremental';
  /** Only with `?deep=1`: the stored samples re-hashed against each receipt's content hash (`valid` needs both). */
  deep?: DeepVerification;
}

/** A receipt whose stored samples no longer give its content hash: they were altered after ingest. */
export interface ContentMismatch {
  seq: number;
  id: string;
  /** The receipt's content_hash. */
  expected: string;
  /** SHA-256 of the stored samples' canonical lines; null when the stored samples contradict themselves. */
  recomputed: string | null;
  detail: string;
}

/**
 * Deep receipt check (GET /api/v1/datacenters/:code/receipts/verify?deep=1): every receipt up to the chain head
 * at the start falls in exactly one class.
 */
export interface DeepVerification {
  /** All the receipt's samples are stored and hash to its content hash. */
  matched: number;
  /** All its samples are stored and they hash to something else (tampering or corruption): `valid` is false. */
  mismatch: number;
  /**
   * Some samples are no longer stored because a later receipt wrote the same (series, ts) (last write wins), so the
   * hash cannot be recomputed. Not a failure, but not checked either.
   */
  incomplete: number;
  /** Samples missing from the incomplete receipts (a receipt with none left counts its `accepted`, an upper bound). */
  missingSamples: number;
  /** Receipts with samples older than the raw retention (RAW_RETENTION_DAYS): not checkable. */
  beyondRetention: number;
  /** Receipts whose samples are stored without their position (version 1 chunks, pre-upgrade rows): not checkable. */
  unverifiable: number;
  /** Samples re-hashed. */
  samples: number;
  elapsedMs: number;
  /** The mismatch with the lowest seq, or null. */
  firstMismatch: ContentMismatch | null;
}

export interface RatingEvidence {
  /** Ingest receipts whose samples fall (at least partly) in the period. */
  receiptCount: number;
  chainHead: { seq: number; hash: string };
  chainVerification: ChainVerification;
  /** Stretches without readings longer than the max gap (2 h for counters), clipped to the period. */
  dataGaps: { facility: DataGap[]; it: DataGap[] };
  /** Meter exchanges recorded for the site's counters within the period (and its 7-day lookback). */
  meterExchanges?: MeterExchangeInfo[];
}

/**
 * A recorded meter exchange (`GET|POST /api/v1/datacenters/:code/meter-exchanges`, gateways
 * `POST /api/v1/ingest/meter-exchanges`).
 */
export interface MeterExchangeInfo {
  id: number;
  metric: string;
  at: string;
  /** The old meter's final reading and the new meter's first, in the metric's unit. */
  oldFinal: number;
  newInitial: number;
  recordedAt: string;
  /** A username, or `token:<id>` when the site's gateway recorded it. */
  recordedBy: string;
  note: string | null;
  /**
   * In a rating's evidence: `applied` (the step between the stored readings either side counts from the exchange),
   * `no-readings` (no stored reading on one side within 7 days: nothing to correct), `inconsistent` (the old
   * meter's final reading is below its last stored one, or the new meter's first above its first stored one: not
   * applied, the meter rule decides).
   */
  status?: 'applied' | 'no-readings' | 'inconsistent';
  before?: { at: string; value: number } | null;
  after?: { at: string; value: number } | null;
}

export interface RatingRevisionInfo {
  id: number;
  year: number;
  /** null: the annual rating; 1-12: a closed month of the current year. */
  month: number | null;
  previousPue: number | null;
  pue: number | null;
  previousStatus: RatingStatus;
  status: RatingStatus;
  revisedAt: string;
  reason: string;
}

export interface RatingDetailResponse extends RatingsPeriod, RatingRow {
  scheme: RatingScheme;
  generatedAt: string;
  monthly: MonthlyRatingRow[];
  evidence: RatingEvidence;
  revisions: RatingRevisionInfo[];
}

/** One National Green Data Center criterion for a site: met (true), failed (false) or not known (null). */
export interface EligibilityCriterion {
  criterion: string;
  required: string;
  value: string | null;
  met: boolean | null;
}

/** GET /api/v1/ratings/eligibility?year=: National Green Data Center eligibility of every site. */
export interface EligibilityExport {
  year: number;
  /** The sites it covers: the caller's scope, as in the ratings table. */
  scope: ScopeInfo;
  scheme: { id: string; name: string; edition: string };
  sites: {
    code: string;
    name: string;
    nameZh?: string | null;
    hub: string | null;
    hubZh?: string | null;
    /** Passes every criterion telemetry can check ("eligible to apply", not "certified": see notAssessed). */
    eligible: boolean;
    criteria: EligibilityCriterion[];
    failed: string[];
    /** Criteria without data (e.g. rack occupancy, which dcfleet does not record). */
    missing: string[];
    reasons: string[];
    notAssessed: string[];
  }[];
}

/** One site's EU EED annual report (Delegated Regulation (EU) 2024/1364, Annexes I and II): what dcfleet measures. */
export interface EedSiteReport {
  code: string;
  name: string;
  nameZh?: string | null;
  operator: string | null;
  operatorZh?: string | null;
  region: string | null;
  regionZh?: string | null;
  latitude: number | null;
  longitude: number | null;
  /** Start of operation, ISO 8601. */
  commissionedAt: string | null;
  /** Installed IT power demand ≥ 500 kW: reporting is mandatory. */
  applies: boolean;
  installedItPowerKw: number | null;
  status: RatingStatus;
  totalEnergyKwh: number;
  itEnergyKwh: number;
  pue: number | null;
  wue: number | null;
  waterInputM3: number | null;
  reusedHeatKwh: number | null;
  erf: number | null;
  renewableEnergyKwh: number | null;
  ref: number | null;
}

/** GET /api/v1/ratings/eed?year=: the EU EED report of every site, and the Annex fields dcfleet cannot fill. */
export interface EedExport {
  year: number;
  /** The sites it covers: the caller's scope, as in the ratings table. */
  scope: ScopeInfo;
  scheme: { id: string; name: string; edition: string; minItPowerKw: number };
  notFilled: string[];
  sites: EedSiteReport[];
}
