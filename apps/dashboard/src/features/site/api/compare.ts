/** Pure parts of the multi-site overlay: which metrics compare, the site list's limit, one line per site. */
import type { SeriesResponse } from '@dcfleet/contracts';
import { PALETTE } from '../../../components/chart-options';
import { mainXY, type LineData } from './chart-data';

/** At most this many sites on one comparison chart (this one included): more lines stop being readable. */
export const COMPARE_MAX = 6;

/** Site-level gauges that compare across sites, drawn in MW. */
export const COMPARE_METRICS = ['facility_power_kw', 'it_power_kw'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

/** Adds a site to the comparison (no duplicates, never past COMPARE_MAX); the page's own site stays first. */
export function addCompared(list: readonly string[], code: string): string[] {
  if (list.includes(code) || list.length >= COMPARE_MAX) return [...list];
  return [...list, code];
}

/** One line per site, in the order of `codes`, from each site's series of the metric (kW → MW). */
export function compareLines(
  codes: readonly string[],
  responses: readonly (SeriesResponse | undefined)[],
): LineData[] {
  return codes.map((code, i) => ({
    label: code,
    color: PALETTE[i % PALETTE.length]!,
    data: mainXY(responses[i], 'avg', 1 / 1000),
  }));
}
