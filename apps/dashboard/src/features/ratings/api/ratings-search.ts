/**
 * The ratings pages' URL state: the rating period (`?year=2025`, or `?period=trailing12` as the API names it), the view (`&view=eligibility|eed`) and the
 * table's sort (`&sort=pue&dir=desc`); the report keeps the year (`#/ratings/CODE?year=2025`).
 */
import { oneOf } from '../../../routing/search';
// Types only: the sort and chart code stays out of the first screen, which validates this search.
import type { RatingSortKey, SortDir } from './ratings-data';

/** The default year: last year (complete, so usually final), unless asked otherwise. */
export function defaultYear(now = new Date()): number {
  return now.getFullYear() - 1;
}

export const RATINGS_VIEWS = ['ratings', 'eligibility', 'eed'] as const;
export type RatingsView = (typeof RATINGS_VIEWS)[number];

export const RATING_SORT_KEYS: readonly RatingSortKey[] = [
  'code',
  'hub',
  'pue',
  'grade',
  'status',
  'coverage',
  'target',
  'wue',
  'cue',
  'ref',
  'erf',
  'energy',
];

/** A rating period: a calendar year, or the 12 complete months before now. */
export type RatingPeriod = number | 'trailing12';

export interface ReportSearch {
  year?: number;
  period?: 'trailing12';
}

/** Defaults (last year, the ratings view, sorted by code ascending) stay out of the URL. */
export interface RatingsSearch extends ReportSearch {
  view?: Exclude<RatingsView, 'ratings'>;
  sort?: Exclude<RatingSortKey, 'code'>;
  dir?: 'desc';
}

/** A year from the URL: a whole number from 2000 to this year, else undefined (the default year). */
export function searchYear(value: unknown, now = new Date()): number | undefined {
  const y = typeof value === 'number' ? value : typeof value === 'string' && value ? Number(value) : NaN;
  return Number.isInteger(y) && y >= 2000 && y <= now.getFullYear() ? y : undefined;
}

/** `period=trailing12` wins over a year: the API takes one or the other. */
export function reportSearch(raw: Record<string, unknown>): ReportSearch {
  return raw.period === 'trailing12'
    ? { year: undefined, period: 'trailing12' }
    : { year: searchYear(raw.year), period: undefined };
}

/** The route's validateSearch (every key returned: the router lays the result over the raw search). */
export function ratingsSearch(raw: Record<string, unknown>): RatingsSearch {
  const view = oneOf(raw.view, RATINGS_VIEWS);
  const sort = oneOf(raw.sort, RATING_SORT_KEYS);
  return {
    ...reportSearch(raw),
    view: view === 'ratings' ? undefined : view,
    sort: sort === 'code' ? undefined : sort,
    dir: raw.dir === 'desc' ? 'desc' : undefined,
  };
}

/** The year a page shows: the URL's, else last year (complete, so usually final). */
export function yearOf(search: ReportSearch, now = new Date()): number {
  return search.year ?? defaultYear(now);
}

/** The period a page shows: trailing 12 months when asked, else its year. */
export function periodOf(search: ReportSearch, now = new Date()): RatingPeriod {
  return search.period ?? yearOf(search, now);
}

/** The URL state of a period (for links between the table and a report). */
export function periodSearch(period: RatingPeriod): ReportSearch {
  return period === 'trailing12' ? { period } : { year: period };
}

/** The select's value of a period and back: `trailing12` or the year. */
export function parsePeriodChoice(value: string): ReportSearch {
  return reportSearch(value === 'trailing12' ? { period: value } : { year: value });
}

export function sortOf(search: RatingsSearch): { key: RatingSortKey; dir: SortDir } {
  return { key: search.sort ?? 'code', dir: search.dir ?? 'asc' };
}

/** The sort after a click on a column header: the same column flips the direction, another starts ascending. */
export function toggleSort(search: RatingsSearch, key: RatingSortKey): RatingsSearch {
  const current = sortOf(search);
  const dir: SortDir = current.key === key && current.dir === 'asc' ? 'desc' : 'asc';
  return ratingsSearch({ ...search, sort: key, dir });
}
