/** Data center (site) fields, exactly as the API names them (docs/contract.md "API"). */

export const SITE_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,31}$/;
export const GRID_REGION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{1,31}$/;

export type PueCategory = 1 | 2 | 3;

export interface DataCenter {
  code: string;
  name: string;
  /** The site's Chinese name (zh-CN UI and reports), or null: the UI shows `name`. */
  nameZh: string | null;
  operator: string | null;
  region: string | null;
  hub: string | null;
  /**
   * Chinese names of `operator`, `region` and `hub`, read-only here: they come from the hub's name list
   * (`PUT /api/v1/names`), one entry per English value, so all sites of a region show the same name.
   */
  operatorZh: string | null;
  regionZh: string | null;
  hubZh: string | null;
  latitude: number | null;
  longitude: number | null;
  timezone: string;
  itCapacityKw: number | null;
  racks: number | null;
  pueCategory: PueCategory;
  /**
   * Grid region whose published emission factors apply (a region of the `emission_factors` table, e.g. `CN-South`);
   * null: the national factor (`CN`).
   */
  gridRegion: string | null;
  /** A site-specific factor (kgCO₂e/kWh) that overrides the region's published ones; null: the region's. */
  gridEmissionFactor: number | null;
  greenCertifiedYear: number | null;
  commissionedAt: string | null;
}

/** Site fields that ratings depend on: kept with the date they take effect (docs/contract.md, "Reference data"). */
export const SITE_REFERENCE_FIELDS = [
  'racks',
  'pueCategory',
  'gridRegion',
  'gridEmissionFactor',
  'greenCertifiedYear',
] as const;
export type SiteReferenceField = (typeof SITE_REFERENCE_FIELDS)[number];

/** The reference fields in force from `effectiveFrom` until the next entry. */
export interface SiteReferenceEntry {
  /** ISO 8601 instant (the start of a local day of the site), or null: since the site's first data. */
  effectiveFrom: string | null;
  racks: number | null;
  pueCategory: PueCategory;
  gridRegion: string | null;
  gridEmissionFactor: number | null;
  greenCertifiedYear: number | null;
  recordedAt: string;
  recordedBy: string;
  reason: string | null;
}

/** A published grid emission factor of a region and year (GET /api/v1/emission-factors). */
export interface EmissionFactorEntry {
  region: string;
  year: number;
  /** kgCO₂e per kWh. */
  factor: number;
  source: string;
  recordedAt: string;
  recordedBy: string;
}

/** The emission factor a rating used, and where it came from. */
export interface EmissionFactorUsed {
  factor: number;
  /** `site`: the site's own factor; `region`: its grid region's; `national`: the national one (no region factor). */
  kind: 'site' | 'region' | 'national';
  region: string | null;
  /** Year of the published factor (may be earlier than the rated year: factors are published late). */
  year: number | null;
  source: string;
}

export type SiteStatus = 'online' | 'stale' | 'offline';

/** Live snapshot of a site, built from the latest accepted samples. */
export interface SiteSnapshot {
  code: string;
  status: SiteStatus;
  /** Event time of the newest sample, ISO 8601, or null when the site never reported. */
  lastSampleAt: string | null;
  /** Ingest time of the newest batch, ISO 8601. */
  lastIngestAt: string | null;
  /** Instantaneous facility/IT ratio: a live indicator only, never a rating. */
  livePue: number | null;
  facilityPowerKw: number | null;
  itPowerKw: number | null;
  hottestInletC: number | null;
  hottestInletZone: string | null;
  activeAlarms: number;
  /** Latest value per metric (series without labels) for tiles. */
  values: Record<string, number>;
}

export interface DataCenterWithSnapshot extends DataCenter {
  snapshot: SiteSnapshot;
}

/** Kinds of the shared names sites carry as plain strings, which the hub's name list translates. */
export const NAME_KINDS = ['region', 'hub', 'operator'] as const;
export type NameKind = (typeof NAME_KINDS)[number];

/** A Chinese name for a region, hub or operator string of the sites (GET /api/v1/names). */
export interface LocalizedName {
  kind: NameKind;
  /** The English value exactly as sites carry it. */
  name: string;
  nameZh: string;
  /** Sites carrying the value now (0: kept for a site that may come back). */
  sites: number;
  updatedAt: string;
  updatedBy: string;
}

/** The longest Chinese name accepted (characters). */
export const NAME_ZH_MAX = 100;
