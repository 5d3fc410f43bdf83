/**
 * Monthly breakdown of a site's year (local calendar months of the site's time zone), for the rating
 * detail view. Months use the same attribution rules as the year (see energy.ts), so the twelve
 * monthly energies add up to the annual energy (pairedEnergy pairs day by day, and months are whole days).
 */
import { localMonthRange } from './calendar';
import { pairedEnergy } from './energy';
import type { SeriesInput } from './energy';
import { pue } from './kpi';

export interface MonthlyBreakdownInput {
  facility: SeriesInput;
  it: SeriesInput;
  /** IANA zone of the site; the buckets must be local days of the same zone. */
  timeZone: string;
  year: number;
}

export interface MonthlyRow {
  /** 1-12 */
  month: number;
  start: number;
  end: number;
  facilityKwh: number;
  itKwh: number;
  /** Month PUE (energy ratio); null when IT energy is 0. Not graded, not flagged here. */
  pue: number | null;
  /** Share of the month whose energy enters both totals (pairedEnergy). */
  coverage: number;
}

export function monthlyBreakdown(input: MonthlyBreakdownInput): MonthlyRow[] {
  return Array.from({ length: 12 }, (_, i) => {
    const month = i + 1;
    const period = localMonthRange(input.year, month, input.timeZone);
    const { facility, it, coverage } = pairedEnergy(input.facility, input.it, period);
    return {
      month,
      start: period.start,
      end: period.end,
      facilityKwh: facility.energyKwh,
      itKwh: it.energyKwh,
      pue: pue(facility.energyKwh, it.energyKwh),
      coverage,
    };
  });
}
