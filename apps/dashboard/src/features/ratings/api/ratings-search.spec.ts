import { describe, expect, it } from 'vitest';
import {
  parsePeriodChoice,
  periodOf,
  periodSearch,
  ratingsSearch,
  reportSearch,
  searchYear,
  sortOf,
  toggleSort,
  yearOf,
} from './ratings-search';
import { periodParam } from './ratings-api';

const now = new Date('2026-11-29T00:00:00Z');

describe('ratings URL state', () => {
  it('accepts whole years from 2000 to this year', () => {
    expect(searchYear('2024', now)).toBe(2024);
    expect(searchYear(2026, now)).toBe(2026);
    expect(searchYear('2031', now)).toBeUndefined();
    expect(searchYear('1999', now)).toBeUndefined();
    expect(searchYear('20x4', now)).toBeUndefined();
    expect(searchYear(undefined, now)).toBeUndefined();
  });

  it('defaults to last year', () => {
    expect(yearOf({}, now)).toBe(2025);
    expect(yearOf({ year: 2023 }, now)).toBe(2023);
    expect(reportSearch({ year: 'soon' })).toEqual({ year: undefined });
  });

  it('takes the trailing 12 months as period=trailing12, over a year, and asks the API the same', () => {
    expect(reportSearch({ period: 'trailing12', year: '2024' })).toEqual({
      period: 'trailing12',
      year: undefined,
    });
    expect(periodOf({ period: 'trailing12' }, now)).toBe('trailing12');
    expect(periodOf({}, now)).toBe(2025);
    expect(periodSearch('trailing12')).toEqual({ period: 'trailing12' });
    expect(periodSearch(2024)).toEqual({ year: 2024 });
    expect(parsePeriodChoice('trailing12').period).toBe('trailing12');
    expect(parsePeriodChoice('2024')).toEqual({ year: 2024, period: undefined });
    expect(periodParam('trailing12')).toBe('period=trailing12');
    expect(periodParam(2024)).toBe('year=2024');
    expect(ratingsSearch({ period: 'trailing12', view: 'eed' })).toMatchObject({
      period: 'trailing12',
      view: 'eed',
    });
  });

  it('keeps the view and the sort, leaving the defaults out', () => {
    expect(ratingsSearch({ year: '2024', view: 'eed', sort: 'pue', dir: 'desc' })).toEqual({
      year: 2024,
      view: 'eed',
      sort: 'pue',
      dir: 'desc',
    });
    expect(ratingsSearch({ view: 'ratings', sort: 'code', dir: 'asc' })).toEqual({
      year: undefined,
      view: undefined,
      sort: undefined,
      dir: undefined,
    });
    expect(sortOf({})).toEqual({ key: 'code', dir: 'asc' });
  });

  it('a header click sorts ascending, a second one descending, another column ascending again', () => {
    const byPue = toggleSort({ year: 2024 }, 'pue');
    expect(sortOf(byPue)).toEqual({ key: 'pue', dir: 'asc' });
    expect(byPue.year).toBe(2024);
    const desc = toggleSort(byPue, 'pue');
    expect(sortOf(desc)).toEqual({ key: 'pue', dir: 'desc' });
    expect(sortOf(toggleSort(desc, 'wue'))).toEqual({ key: 'wue', dir: 'asc' });
    expect(sortOf(toggleSort(desc, 'pue'))).toEqual({ key: 'pue', dir: 'asc' });
  });
});
