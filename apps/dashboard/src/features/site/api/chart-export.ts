/** Pure parts of chart interaction: CSV of the visible series and the URL range a drag-to-zoom selects. Unit-tested. */
import type { XY } from '../../../components/chart-options';
import type { SiteSearch } from './site-search';

/** Minutes east of UTC at an instant (the browser's zone by default, as the axis labels are drawn). */
export type OffsetOf = (ms: number) => number;
const localOffset: OffsetOf = (ms) => -new Date(ms).getTimezoneOffset();

const pad = (n: number, w = 2) => String(Math.abs(Math.trunc(n))).padStart(w, '0');

/** ISO 8601 with the zone's offset, e.g. 2026-12-07T22:05:00+08:00 (what spreadsheets read as local time). */
export function isoWithOffset(ms: number, offsetOf: OffsetOf = localOffset): string {
  const off = offsetOf(ms);
  const d = new Date(ms + off * 60_000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const sign = off < 0 ? '-' : '+';
  return `${date}T${time}${sign}${pad(off / 60)}:${pad(off % 60)}`;
}

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export interface CsvSeries {
  label: string;
  data: readonly XY[];
}

/**
 * CSV of series on a time axis: `time` then one column per series, one row per instant any series has a value
 * at within [from, to]; a series without a value there leaves its cell empty. CRLF line ends.
 */
export function buildCsv(
  series: readonly CsvSeries[],
  range: { from: number; to: number },
  offsetOf: OffsetOf = localOffset,
): string {
  const rows = new Map<number, (number | null)[]>();
  series.forEach((s, col) => {
    for (const p of s.data) {
      if (p.y === null || !Number.isFinite(p.y) || p.x < range.from || p.x > range.to) continue;
      let row = rows.get(p.x);
      if (!row) rows.set(p.x, (row = series.map(() => null)));
      row[col] = p.y;
    }
  });
  const lines = [['time', ...series.map((s) => s.label)].map(field).join(',')];
  for (const x of [...rows.keys()].sort((a, b) => a - b)) {
    const cells = rows.get(x)!.map((v) => (v === null ? '' : String(Number(v.toPrecision(12)))));
    lines.push([isoWithOffset(x, offsetOf), ...cells].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Shortest span a zoom may select: one minute (the finest rollup). */
export const MIN_ZOOM_MS = 60_000;

/**
 * The URL search of a drag-to-zoom between two axis values (either order), rounded to whole seconds; undefined
 * for a selection shorter than MIN_ZOOM_MS (a click, not a drag).
 */
export function zoomSearch(a: number, b: number): SiteSearch | undefined {
  const from = Math.round(Math.min(a, b) / 1000) * 1000;
  const to = Math.round(Math.max(a, b) / 1000) * 1000;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to - from < MIN_ZOOM_MS) return undefined;
  return { range: 'custom', from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** A file name for an exported chart: dcfleet-<site>-<chart>-<from>-<to>.<ext> (UTC, no characters files dislike). */
export function exportName(
  site: string,
  chart: string,
  range: { from: number; to: number },
  ext: 'csv' | 'png',
): string {
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `dcfleet-${site}-${chart}-${stamp(range.from)}-${stamp(range.to)}.${ext}`;
}
