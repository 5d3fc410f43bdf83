/**
 * The last ended calendar year in Asia/Shanghai (UTC+8 all year, no DST), computed without the library under test:
 * what the ratings suites rate.
 */
export const HOUR = 3_600_000;
export const SHANGHAI = 8 * HOUR;
/** Local midnight in Asia/Shanghai of a calendar date. */
export const local = (y: number, m: number, d = 1): number => Date.UTC(y, m - 1, d) - SHANGHAI;
export const NOW_LOCAL = new Date(Date.now() + SHANGHAI);
export const YEAR = NOW_LOCAL.getUTCFullYear() - 1;
export const START = local(YEAR, 1);
export const END = local(YEAR + 1, 1);
/** 8760 or 8784. */
export const HOURS = (END - START) / HOUR;
