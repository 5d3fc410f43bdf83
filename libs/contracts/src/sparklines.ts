/** GET /api/v1/datacenters/sparklines: one gauge's recent 1-minute averages for every site in the caller's scope. */
export interface SparklinesResponse {
  metric: string;
  unit: string;
  step: '1m';
  /** Start of the first bucket (a whole minute), ISO 8601. */
  from: string;
  /** End of the last bucket, ISO 8601. */
  to: string;
  /** Per site its unlabelled series (else its first one): one average per minute from `from`, null for a gap. */
  sites: { code: string; avg: (number | null)[] }[];
}

/** Bounds of the sparklines route's `minutes` parameter (default 120: the fleet tiles' "last 2 h"). */
export const SPARKLINE_MINUTES = { min: 5, max: 360, default: 120 } as const;
