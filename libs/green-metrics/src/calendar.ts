/**
 * Local-calendar arithmetic on instants, for any IANA time zone, using only Intl (no tz database of our
 * own). Days are local days: 23 h or 25 h around daylight-saving changes.
 */

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export interface LocalDateTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of an instant in a time zone. */
export function toLocal(instantMs: number, timeZone: string): LocalDateTime {
  const parts = formatter(timeZone).formatToParts(new Date(instantMs));
  const out: LocalDateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        out.year = Number(p.value);
        break;
      case 'month':
        out.month = Number(p.value);
        break;
      case 'day':
        out.day = Number(p.value);
        break;
      case 'hour':
        out.hour = Number(p.value);
        break;
      case 'minute':
        out.minute = Number(p.value);
        break;
      case 'second':
        out.second = Number(p.value);
        break;
    }
  }
  return out;
}

/** Offset of local time from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
export function offsetMs(instantMs: number, timeZone: string): number {
  const l = toLocal(instantMs, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

/**
 * The instant at which the local wall-clock time occurs. For a time skipped by a DST jump the instant
 * after the jump is returned (the wall time read with the offset in force before the jump, so a skipped
 * local midnight maps to the first instant of that day); for a repeated time, the first occurrence.
 */
export function fromLocal(
  timeZone: string,
  year: number,
  month: number,
  day = 1,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // Real offsets are within ±14 h, so the offsets in force a day either side of `wall` are the ones
  // before and after any transition near the wanted instant. Each gives a candidate; keep those that
  // read back as the same wall time. (The former two-pass guess returned the instant *before* a
  // skipped hour, which made a skipped local midnight, e.g. America/Santiago, fall on the previous day
  // and nextLocalDayStart stop advancing; it also assumed 1 h shifts, wrong for Australia/Lord_Howe.)
  const offsetBefore = offsetMs(wall - DAY_MS, timeZone);
  const offsetAfter = offsetMs(wall + DAY_MS, timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter(
    (instant) => instant + offsetMs(instant, timeZone) === wall,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped wall time (gap): shift forward by the jump.
  return wall - offsetBefore;
}

/** Start (inclusive) of the local day containing the instant. */
export function localDayStart(instantMs: number, timeZone: string): number {
  const l = toLocal(instantMs, timeZone);
  return fromLocal(timeZone, l.year, l.month, l.day);
}

/** Start of the next local day after the one containing the instant. */
export function nextLocalDayStart(instantMs: number, timeZone: string): number {
  const l = toLocal(instantMs, timeZone);
  const d = new Date(Date.UTC(l.year, l.month - 1, l.day + 1));
  return fromLocal(timeZone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** [start, end) of a local calendar year. */
export function localYearRange(year: number, timeZone: string): { start: number; end: number } {
  return { start: fromLocal(timeZone, year, 1, 1), end: fromLocal(timeZone, year + 1, 1, 1) };
}

/** [start, end) of a local calendar month (month 1-12). */
export function localMonthRange(
  year: number,
  month: number,
  timeZone: string,
): { start: number; end: number } {
  const next = month === 12 ? { y: year + 1, m: 1 } : { y: year, m: month + 1 };
  return { start: fromLocal(timeZone, year, month, 1), end: fromLocal(timeZone, next.y, next.m, 1) };
}

/** Local calendar date of an instant as YYYY-MM-DD. */
export function localDate(instantMs: number, timeZone: string): string {
  const l = toLocal(instantMs, timeZone);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}
