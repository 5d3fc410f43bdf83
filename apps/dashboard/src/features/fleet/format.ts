/** Pure display formatting for the fleet view (unit-tested in format.spec.ts). */

/** Shown where a value is missing; screen readers get the `title`/label from the caller. */
export const NO_VALUE = '—';

function isNumber(value: number | null | undefined): value is number {
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

/** PUE to two decimals: `1.25`. */
export function formatPue(pue: number | null | undefined): string {
  return isNumber(pue) ? pue.toFixed(2) : NO_VALUE;
}

/** Temperature to one decimal: `24.5 °C`. */
export function formatTemperature(celsius: number | null | undefined): string {
  return isNumber(celsius) ? `${celsius.toFixed(1)} °C` : NO_VALUE;
}

/**
 * Age of a timestamp: `just now` (under a minute, or slightly in the future from clock skew), `5 min ago`,
 * `3 h ago` (from 90 minutes), `2 d ago` (from 48 hours), `never` when there is none.
 */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return NO_VALUE;
  const seconds = Math.floor((now - t) / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}
