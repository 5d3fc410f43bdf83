import {
  fromLocal,
  isValidTimeZone,
  localDate,
  localDayStart,
  localMonthRange,
  localYearRange,
  nextLocalDayStart,
  offsetMs,
  toLocal,
} from './calendar';

const HOUR = 3_600_000;
const utc = (s: string) => Date.parse(s);

function dayLengthHours(localNoonUtc: string, tz: string): number {
  const t = utc(localNoonUtc);
  return (nextLocalDayStart(t, tz) - localDayStart(t, tz)) / HOUR;
}

describe('Asia/Shanghai (UTC+8, no DST)', () => {
  const tz = 'Asia/Shanghai';

  it('converts between instants and wall time', () => {
    expect(toLocal(utc('2025-06-14T16:30:05Z'), tz)).toEqual({
      year: 2025,
      month: 6,
      day: 15,
      hour: 0,
      minute: 30,
      second: 5,
    });
    expect(fromLocal(tz, 2025, 6, 15, 0, 30, 5)).toBe(utc('2025-06-14T16:30:05Z'));
    expect(offsetMs(utc('2025-01-01T00:00:00Z'), tz)).toBe(8 * HOUR);
  });

  it('finds local day, month and year boundaries', () => {
    expect(localDayStart(utc('2025-06-15T03:00:00Z'), tz)).toBe(utc('2025-06-14T16:00:00Z'));
    expect(localDayStart(utc('2025-06-14T15:59:59Z'), tz)).toBe(utc('2025-06-13T16:00:00Z'));
    expect(localYearRange(2025, tz)).toEqual({
      start: utc('2024-12-31T16:00:00Z'),
      end: utc('2025-12-31T16:00:00Z'),
    });
    const feb = localMonthRange(2024, 2, tz);
    expect((feb.end - feb.start) / HOUR).toBe(29 * 24);
    expect(localMonthRange(2025, 12, tz)).toEqual({
      start: utc('2025-11-30T16:00:00Z'),
      end: utc('2025-12-31T16:00:00Z'),
    });
    expect(localDate(utc('2025-12-31T16:00:00Z'), tz)).toBe('2026-01-01');
  });
});

describe('Europe/Berlin (DST days of 23 h and 25 h)', () => {
  const tz = 'Europe/Berlin';

  it('has a 23 h day in March and a 25 h day in October', () => {
    expect(dayLengthHours('2025-03-30T10:00:00Z', tz)).toBe(23);
    expect(dayLengthHours('2025-10-26T10:00:00Z', tz)).toBe(25);
    expect(dayLengthHours('2025-03-29T10:00:00Z', tz)).toBe(24);
    expect(localDayStart(utc('2025-03-30T10:00:00Z'), tz)).toBe(utc('2025-03-29T23:00:00Z'));
    expect(localDayStart(utc('2025-10-26T10:00:00Z'), tz)).toBe(utc('2025-10-25T22:00:00Z'));
  });

  it('gives months of 743 h (March) and 745 h (October) and a year of 8760 h', () => {
    const mar = localMonthRange(2025, 3, tz);
    const oct = localMonthRange(2025, 10, tz);
    const year = localYearRange(2025, tz);
    expect((mar.end - mar.start) / HOUR).toBe(743);
    expect((oct.end - oct.start) / HOUR).toBe(745);
    expect((year.end - year.start) / HOUR).toBe(8760);
    expect(year.start).toBe(utc('2024-12-31T23:00:00Z'));
  });

  it('maps a skipped wall time after the jump and a repeated one to its first occurrence', () => {
    // 02:30 does not exist on 2025-03-30: read with the pre-jump offset (+1) it is 03:30 CEST.
    expect(fromLocal(tz, 2025, 3, 30, 2, 30)).toBe(utc('2025-03-30T01:30:00Z'));
    expect(toLocal(fromLocal(tz, 2025, 3, 30, 2, 30), tz).hour).toBe(3);
    // 02:30 happens twice on 2025-10-26: first at +2.
    expect(fromLocal(tz, 2025, 10, 26, 2, 30)).toBe(utc('2025-10-26T00:30:00Z'));
    expect(fromLocal(tz, 2025, 10, 26, 3, 0)).toBe(utc('2025-10-26T02:00:00Z'));
  });
});

describe('America/New_York', () => {
  const tz = 'America/New_York';

  it('has 23 h and 25 h days and local-midnight year bounds', () => {
    expect(dayLengthHours('2025-03-09T17:00:00Z', tz)).toBe(23);
    expect(dayLengthHours('2025-11-02T17:00:00Z', tz)).toBe(25);
    expect(localYearRange(2025, tz)).toEqual({
      start: utc('2025-01-01T05:00:00Z'),
      end: utc('2026-01-01T05:00:00Z'),
    });
    expect(localDate(utc('2025-07-01T03:59:59Z'), tz)).toBe('2025-06-30');
    expect(fromLocal(tz, 2025, 3, 9, 2, 30)).toBe(utc('2025-03-09T07:30:00Z'));
    expect(fromLocal(tz, 2025, 11, 2, 1, 30)).toBe(utc('2025-11-02T05:30:00Z'));
  });
});

describe('zones whose DST change skips or repeats local midnight (regression)', () => {
  it('America/Santiago: the day whose midnight is skipped starts at 01:00 and days keep advancing', () => {
    const tz = 'America/Santiago';
    // 2025-09-07 00:00 (-04) jumps to 01:00 (-03): the day starts at 04:00Z.
    expect(fromLocal(tz, 2025, 9, 7)).toBe(utc('2025-09-07T04:00:00Z'));
    expect(localDayStart(utc('2025-09-07T12:00:00Z'), tz)).toBe(utc('2025-09-07T04:00:00Z'));
    expect(nextLocalDayStart(utc('2025-09-06T12:00:00Z'), tz)).toBe(utc('2025-09-07T04:00:00Z'));
    const { start, end } = localYearRange(2025, tz);
    let days = 0;
    for (let t = start; t < end; t = nextLocalDayStart(t, tz)) {
      expect(localDayStart(t, tz)).toBe(t);
      days += 1;
      if (days > 400) break;
    }
    expect(days).toBe(365);
  });

  it('Asia/Beirut: midnight after a fall-back at 00:00 occurs once', () => {
    expect(fromLocal('Asia/Beirut', 2025, 10, 26)).toBe(utc('2025-10-25T22:00:00Z'));
  });

  it('Australia/Lord_Howe: a time repeated by a 30-minute shift maps to its first occurrence', () => {
    expect(fromLocal('Australia/Lord_Howe', 2025, 4, 6, 1, 45)).toBe(utc('2025-04-05T14:45:00Z'));
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA zones and rejects anything else', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
