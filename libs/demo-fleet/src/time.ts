/** Time helpers for the simulator: exact local-calendar edges via @dcfleet/green-metrics, fast local fields. */
import { fromLocal, offsetMs, toLocal } from '@dcfleet/green-metrics';

// Module-level aliases of Math: the physics runs millions of times per history, and a global lookup per
// call is slow in sandboxed contexts (Jest's vm).
const { ceil, floor } = Math;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const YEAR_MS = 365.2425 * DAY_MS;

export interface LocalFields {
  /** Local calendar year. */
  year: number;
  /** Fractional local hour of day, 0 ≤ hour < 24. */
  hour: number;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  /** Fractional day of the local year, 0 at 1 January 00:00. */
  dayOfYear: number;
}

/**
 * Local wall-clock fields of instants in one time zone. The UTC offset is looked up (with Intl) once per UTC
 * day and cached, which is exact for zones without DST (Asia/Shanghai) and off by an hour for at most a few
 * hours a year elsewhere — good enough for load shapes; calendar edges use green-metrics exactly.
 */
/** UTC offsets per (zone, UTC day), shared by every clock of a zone. */
const OFFSETS = new Map<string, Map<number, number>>();

export class LocalClock {
  private readonly offsets: Map<number, number>;
  // The last local day seen (history and live ticks walk forward, so this hits almost always).
  private dayIndex = NaN;
  private dayYear = 0;
  private dayWeekday = 0;
  private dayYearStart = 0;

  constructor(readonly timeZone: string) {
    let m = OFFSETS.get(timeZone);
    if (!m) OFFSETS.set(timeZone, (m = new Map()));
    this.offsets = m;
  }

  offset(t: number): number {
    const day = floor(t / DAY_MS);
    let o = this.offsets.get(day);
    if (o === undefined) {
      o = offsetMs(day * DAY_MS + DAY_MS / 2, this.timeZone);
      if (this.offsets.size > 20_000) this.offsets.clear();
      this.offsets.set(day, o);
    }
    return o;
  }

  fields(t: number): LocalFields {
    const local = t + this.offset(t);
    const dayIndex = floor(local / DAY_MS);
    if (dayIndex !== this.dayIndex) {
      const d = new Date(dayIndex * DAY_MS);
      this.dayIndex = dayIndex;
      this.dayYear = d.getUTCFullYear();
      this.dayWeekday = (d.getUTCDay() + 6) % 7;
      this.dayYearStart = Date.UTC(this.dayYear, 0, 1);
    }
    return {
      year: this.dayYear,
      hour: (local - dayIndex * DAY_MS) / HOUR_MS,
      weekday: this.dayWeekday,
      dayOfYear: (local - this.dayYearStart) / DAY_MS,
    };
  }
}

/** 1 January 00:00 (local) of the calendar year before the one containing `now`. */
export function previousYearStart(now: number, timeZone: string): number {
  return fromLocal(timeZone, toLocal(now, timeZone).year - 1, 1, 1);
}

/** The local calendar year containing `t`. */
export function localYear(t: number, timeZone: string): number {
  return toLocal(t, timeZone).year;
}

/** First whole hour at or after `t`. */
export function ceilHour(t: number): number {
  return ceil(t / HOUR_MS) * HOUR_MS;
}

/** Whole hour at or before `t`. */
export function floorHour(t: number): number {
  return floor(t / HOUR_MS) * HOUR_MS;
}
