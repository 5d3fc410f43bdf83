import { BadRequestException } from '@nestjs/common';
import { latestYear, parsePeriodSpec } from './rating-period';

describe('parsePeriodSpec', () => {
  const now = Date.UTC(2026, 10, 29, 8);

  it('accepts a year from 2000 to the current one, or period=trailing12', () => {
    expect(parsePeriodSpec('2025', undefined, now)).toEqual({ kind: 'year', year: 2025 });
    expect(parsePeriodSpec('2000', undefined, now)).toEqual({ kind: 'year', year: 2000 });
    expect(parsePeriodSpec('2026', '', now)).toEqual({ kind: 'year', year: 2026 });
    expect(parsePeriodSpec(undefined, 'trailing12', now)).toEqual({ kind: 'trailing12' });
  });

  it.each([
    [undefined, undefined],
    ['', undefined],
    ['25', undefined],
    ['2025.0', undefined],
    ['abcd', undefined],
    ['1999', undefined],
    ['2027', undefined],
    [undefined, 'year'],
    ['2025', 'trailing12'],
  ])('refuses year=%s period=%s with 400', (year, period) => {
    expect(() => parsePeriodSpec(year, period, now)).toThrow(BadRequestException);
  });

  it('counts the new year as current as soon as it starts anywhere (UTC+14)', () => {
    expect(latestYear(Date.UTC(2026, 11, 31, 9, 59))).toBe(2026);
    expect(latestYear(Date.UTC(2026, 11, 31, 10, 0))).toBe(2027);
  });
});
