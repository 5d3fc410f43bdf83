/** Pure display formatting shared by every page (unit-tested in format.spec.ts). */
import { translator, type Translate } from '../i18n/messages';

/** Shown where a value is missing. */
export const NO_VALUE = '—';

const EN = translator('en');

export function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Power in kW, switching to MW from 1 000 kW: `850 kW`, `12.3 kW`, `1.50 MW`, `23.5 MW`. */
export function formatPower(kw: number | null | undefined): string {
  if (!isNumber(kw)) return NO_VALUE;
  const abs = Math.abs(kw);
  if (abs >= 1000) {
    const mw = kw / 1000;
    return `${mw.toFixed(Math.abs(mw) >= 10 ? 1 : 2)} MW`;
  }
  return `${kw.toFixed(abs >= 100 || kw === 0 ? 0 : 1)} kW`;
}

/** Exact kW with thousands separators and up to two decimals: `23,834.77 kW`. */
export function formatKw(kw: number | null | undefined): string {
  if (!isNumber(kw)) return NO_VALUE;
  return `${kw.toLocaleString('en-US', { maximumFractionDigits: 2 })} kW`;
}

/** Energy in kWh, scaled to MWh / GWh: `850 kWh`, `12.4 MWh`, `3.21 GWh`. */
export function formatEnergy(kwh: number | null | undefined): string {
  if (!isNumber(kwh)) return NO_VALUE;
  const abs = Math.abs(kwh);
  if (abs >= 1_000_000) return `${(kwh / 1_000_000).toFixed(abs >= 10_000_000 ? 1 : 2)} GWh`;
  if (abs >= 1000) return `${(kwh / 1000).toFixed(abs >= 10_000 ? 1 : 2)} MWh`;
  return `${kwh.toFixed(0)} kWh`;
}

/** PUE to two decimals: `1.25`. */
export function formatPue(pue: number | null | undefined): string {
  return isNumber(pue) ? pue.toFixed(2) : NO_VALUE;
}

/**
 * A rated PUE to three decimals: `1.202`. Grades compare the unrounded value (1.202 is grade 2); two decimals
 * would print it as `1.20`, the grade 1 bound, beside grade 2.
 */
export function formatRatedPue(pue: number | null | undefined): string {
  return isNumber(pue) ? pue.toFixed(3) : NO_VALUE;
}

/** Temperature to one decimal: `24.5 °C`. */
export function formatTemperature(celsius: number | null | undefined): string {
  return isNumber(celsius) ? `${celsius.toFixed(1)} °C` : NO_VALUE;
}

/** A 0..1 fraction as a percentage: `95.2 %` (`digits` decimals, default 1). */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  return isNumber(fraction) ? `${(fraction * 100).toFixed(digits)} %` : NO_VALUE;
}

/** A plain number with a fixed number of decimals, or a dash. */
export function formatFixed(value: number | null | undefined, digits: number): string {
  return isNumber(value) ? value.toFixed(digits) : NO_VALUE;
}

/**
 * Age of a timestamp: `just now` (under a minute, or slightly in the future from clock skew), `5 min ago`,
 * `3 h ago` (from 90 minutes), `2 d ago` (from 48 hours), `never` when there is none.
 */
export function formatAgo(
  iso: string | null | undefined,
  now: number = Date.now(),
  t: Translate = EN,
): string {
  if (!iso) return t('time.never');
  const ts = Date.parse(iso);
  if (Number.isNaN(ts)) return NO_VALUE;
  const seconds = Math.floor((now - ts) / 1000);
  if (seconds < 60) return t('time.justNow');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 90) return t('time.minAgo', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('time.hAgo', { n: hours });
  return t('time.dAgo', { n: Math.floor(hours / 24) });
}

/** Date and time, 24-hour, unambiguous in both languages: `29 Nov 2026, 08:03` / `2026年11月29日 08:03`. */
export function formatDateTime(
  iso: string | number | null | undefined,
  locale = 'en-GB',
  timeZone?: string,
): string {
  if (iso === null || iso === undefined) return NO_VALUE;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return NO_VALUE;
  return d.toLocaleString(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone,
  });
}

/** Calendar date only: `29 Nov 2026`. */
export function formatDate(
  iso: string | number | null | undefined,
  locale = 'en-GB',
  timeZone?: string,
): string {
  if (iso === null || iso === undefined) return NO_VALUE;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return NO_VALUE;
  return d.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone });
}

/** Shortens a long hash for display: first 12 and last 6 hex digits. */
export function shortHash(hash: string | null | undefined): string {
  if (!hash) return NO_VALUE;
  return hash.length <= 20 ? hash : `${hash.slice(0, 12)}…${hash.slice(-6)}`;
}
