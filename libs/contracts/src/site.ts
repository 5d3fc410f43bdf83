/** Data center (site) fields, exactly as product.md §3 names them. */

export const SITE_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

export type PueCategory = 1 | 2 | 3;

export interface DataCenter {
  code: string;
  name: string;
  operator: string | null;
  region: string | null;
  hub: string | null;
  latitude: number | null;
  longitude: number | null;
  timezone: string;
  itCapacityKw: number | null;
  racks: number | null;
  pueCategory: PueCategory;
  gridEmissionFactor: number | null;
  greenCertifiedYear: number | null;
  commissionedAt: string | null;
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
