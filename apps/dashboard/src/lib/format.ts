/**
 * Display formatting shared by every page, through react-intl so numbers and dates follow the language
 * (unit-tested in format.spec.ts). Units stay as written (kW, MWh, °C): they read the same in both languages.
 */
import type { IntlShape } from 'react-intl';

/** Shown where a value is missing. */
export const NO_VALUE = '—';

export function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Shortens a long hash for display: first 12 and last 6 hex digits. */
export function shortHash(hash: string | null | undefined): string {
  if (!hash) return NO_VALUE;
  return hash.length <= 20 ? hash : `${hash.slice(0, 12)}…${hash.slice(-6)}`;
}

type Value = number | null | undefined;
type Instant = string | number | null | undefined;

export interface Format {
  /** A number with exactly `digits` decimals: `1.25`, `23,834.8`. */
  fixed(value: Value, digits: number): string;
  /** A number with at most `maxDigits` decimals (default 0): `1,500`, `0.3869`. */
  number(value: Value, maxDigits?: number): string;
  /** Power in kW, switching to MW from 1 000 kW: `850 kW`, `12.3 kW`, `1.50 MW`, `23.5 MW`. */
  power(kw: Value): string;
  /** Exact kW with separators and up to two decimals: `23,834.77 kW`. */
  kw(kw: Value): string;
  /** Energy in kWh, scaled to MWh / GWh: `850 kWh`, `12.4 MWh`, `3.21 GWh`. */
  energy(kwh: Value): string;
  /** PUE to two decimals: `1.25`. */
  pue(pue: Value): string;
  /**
   * A rated PUE to three decimals: `1.202`. Grades compare the unrounded value (1.202 is grade 2); two decimals
   * would print it as `1.20`, the grade 1 bound, beside grade 2.
   */
  ratedPue(pue: Value): string;
  /** Temperature to one decimal: `24.5 °C`. */
  temperature(celsius: Value): string;
  /** A 0..1 fraction as a percentage with `digits` decimals (default 1): `95.2%`. */
  percent(fraction: Value, digits?: number): string;
  /**
   * Age of a timestamp: `just now` (under a minute, or slightly in the future from clock skew), `5 min ago`,
   * `3 hr ago` (from 90 minutes), `2 days ago` (from 48 hours), `never` when there is none.
   */
  ago(iso: Instant, now: number): string;
  /** Date and time, 24-hour, unambiguous in both languages: `29 Nov 2026, 08:03` / `2026年11月29日 08:03`. */
  dateTime(iso: Instant, timeZone?: string): string;
  /** Calendar date only: `29 Nov 2026`. */
  date(iso: Instant, timeZone?: string): string;
  /** Time of day with seconds, 24-hour: `08:03:41`. */
  time(at: Instant): string;
  /** Short month name, 1-based: `Mar` / `3月`. */
  month(month: number): string;
}

function toDate(at: Instant): Date | null {
  if (at === null || at === undefined) return null;
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function createFormat(intl: IntlShape): Format {
  const fixed = (value: Value, digits: number) =>
    isNumber(value)
      ? intl.formatNumber(value, { minimumFractionDigits: digits, maximumFractionDigits: digits })
      : NO_VALUE;
  const f: Format = {
    fixed,
    number: (value, maxDigits = 0) =>
      isNumber(value) ? intl.formatNumber(value, { maximumFractionDigits: maxDigits }) : NO_VALUE,
    power(kw) {
      if (!isNumber(kw)) return NO_VALUE;
      const abs = Math.abs(kw);
      if (abs >= 1000) {
        const mw = kw / 1000;
        return `${fixed(mw, Math.abs(mw) >= 10 ? 1 : 2)} MW`;
      }
      return `${fixed(kw, abs >= 100 || kw === 0 ? 0 : 1)} kW`;
    },
    kw: (kw) => (isNumber(kw) ? `${intl.formatNumber(kw, { maximumFractionDigits: 2 })} kW` : NO_VALUE),
    energy(kwh) {
      if (!isNumber(kwh)) return NO_VALUE;
      const abs = Math.abs(kwh);
      if (abs >= 1_000_000) return `${fixed(kwh / 1_000_000, abs >= 10_000_000 ? 1 : 2)} GWh`;
      if (abs >= 1000) return `${fixed(kwh / 1000, abs >= 10_000 ? 1 : 2)} MWh`;
      return `${fixed(kwh, 0)} kWh`;
    },
    pue: (pue) => fixed(pue, 2),
    ratedPue: (pue) => fixed(pue, 3),
    temperature: (celsius) => (isNumber(celsius) ? `${fixed(celsius, 1)} °C` : NO_VALUE),
    percent: (fraction, digits = 1) =>
      isNumber(fraction)
        ? intl.formatNumber(fraction, {
            style: 'percent',
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
          })
        : NO_VALUE,
    ago(iso, now) {
      if (iso === null || iso === undefined) return intl.formatMessage({ id: 'time.never' });
      const d = toDate(iso);
      if (!d) return NO_VALUE;
      const seconds = Math.floor((now - d.getTime()) / 1000);
      if (seconds < 60) return intl.formatMessage({ id: 'time.justNow' });
      const minutes = Math.floor(seconds / 60);
      const short = { style: 'short', numeric: 'always' } as const;
      if (minutes < 90) return intl.formatRelativeTime(-minutes, 'minute', short);
      const hours = Math.floor(minutes / 60);
      if (hours < 48) return intl.formatRelativeTime(-hours, 'hour', short);
      return intl.formatRelativeTime(-Math.floor(hours / 24), 'day', short);
    },
    dateTime(iso, timeZone) {
      const d = toDate(iso);
      return d
        ? intl.formatDate(d, {
            year: 'numeric',
            month: 'short',
            day: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            hour12: false,
            timeZone,
          })
        : NO_VALUE;
    },
    date(iso, timeZone) {
      const d = toDate(iso);
      return d ? intl.formatDate(d, { year: 'numeric', month: 'short', day: 'numeric', timeZone }) : NO_VALUE;
    },
    time(at) {
      const d = toDate(at);
      return d
        ? intl.formatTime(d, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
        : NO_VALUE;
    },
    month: (month) => intl.formatDate(new Date(2001, month - 1, 1), { month: 'short' }),
  };
  return f;
}
