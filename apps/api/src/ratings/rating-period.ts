import { BadRequestException } from '@nestjs/common';

/** A ratings period as the API names it: a calendar year, or the 12 complete months before now. */
export type PeriodSpec = { kind: 'year'; year: number } | { kind: 'trailing12' };

/** The newest calendar year any zone is in (UTC+14 is the earliest). */
export function latestYear(now = Date.now()): number {
  return new Date(now + 14 * 3_600_000).getUTCFullYear();
}

/** Validates `year` / `period` query parameters (400 with a reason). */
export function parsePeriodSpec(
  year: string | undefined,
  period: string | undefined,
  now = Date.now(),
): PeriodSpec {
  if (period !== undefined && period !== '') {
    if (period !== 'trailing12')
      throw new BadRequestException('period must be trailing12 (the 12 complete months before now)');
    if (year !== undefined && year !== '')
      throw new BadRequestException('give either year or period, not both');
    return { kind: 'trailing12' };
  }
  if (year === undefined || year === '')
    throw new BadRequestException('year is required (YYYY), or period=trailing12');
  if (!/^\d{4}$/.test(year)) throw new BadRequestException('year must be a four-digit calendar year (YYYY)');
  const y = Number(year);
  const max = latestYear(now);
  if (y < 2000 || y > max) throw new BadRequestException(`year must be between 2000 and ${max}`);
  return { kind: 'year', year: y };
}
