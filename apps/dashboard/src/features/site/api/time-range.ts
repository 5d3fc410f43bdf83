/**
 * A site page's time range: the ranges offered, the rollup step of each, and the window a selection covers. Its
 * own module, apart from the chart mapping (chart-data.ts), because the router's search validation needs it on
 * the first screen and the chart code does not belong there.
 */
import type { SeriesStep } from '@dcfleet/contracts';

export type RangeId = 'live' | '1h' | '24h' | '7d' | '30d' | '1y' | 'custom';
export const RANGES: readonly RangeId[] = ['live', '1h', '24h', '7d', '30d', '1y', 'custom'];

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export const RANGE_MS: Record<Exclude<RangeId, 'custom'>, number> = {
  live: HOUR,
  '1h': HOUR,
  '24h': 24 * HOUR,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
  '1y': 365 * DAY,
};

export const STEP_MS: Record<SeriesStep, number> = { '1m': MINUTE, '1h': HOUR, '1d': DAY };

/** The rollup for a range: ≤ 6 h → 1 minute, ≤ 14 days → 1 hour, longer → 1 day (as the API's `auto`). */
export function stepForRange(ms: number): SeriesStep {
  if (ms <= 6 * HOUR) return '1m';
  if (ms <= 14 * DAY) return '1h';
  return '1d';
}

export interface TimeWindow {
  range: RangeId;
  from: number;
  to: number;
  step: SeriesStep;
  /** Identifies the window in cache keys: relative ranges by name, custom ones by their bounds. */
  key: string;
}

export interface RangeSelection {
  range: RangeId;
  /** custom only, epoch ms */
  from?: number;
  to?: number;
}

/** Reads `?range=24h` or `?range=custom&from=…&to=…` (ISO or epoch ms); anything unusable is 'live'. */
export function parseRange(query: {
  range?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): RangeSelection {
  const range = (RANGES as readonly string[]).includes(query.range ?? '') ? (query.range as RangeId) : 'live';
  if (range !== 'custom') return { range };
  const parse = (v: string | undefined) =>
    v === undefined ? NaN : /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  const from = parse(query.from);
  const to = parse(query.to);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) return { range: 'live' };
  return { range, from, to };
}

/** The concrete window of a selection at time `now`. */
export function resolveWindow(sel: RangeSelection, now: number): TimeWindow {
  if (sel.range === 'custom' && sel.from !== undefined && sel.to !== undefined) {
    return {
      range: 'custom',
      from: sel.from,
      to: sel.to,
      step: stepForRange(sel.to - sel.from),
      key: `custom-${sel.from}-${sel.to}`,
    };
  }
  const range = sel.range === 'custom' ? 'live' : sel.range;
  const ms = RANGE_MS[range];
  return { range, from: now - ms, to: now, step: stepForRange(ms), key: range };
}
