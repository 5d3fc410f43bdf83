/** Pure mapping from API series (and live samples) to chart datasets for the site page. Unit-tested. */
import { canonicalLabels, type SeriesPoint, type SeriesResponse, type SeriesStep } from '@dcfleet/contracts';
import { COLORS, PALETTE, type XY } from '../../../components/chart-options';
import type { LiveSample } from './live-data';
import { STEP_MS, type TimeWindow } from './time-range';

const MINUTE = 60_000;

/**
 * Chart points of one API series: `avg` (gauges) or `increase` (counters), scaled; nulls stay nulls. The API
 * sends only buckets with data, so with the answer's `step`, a null point right after a bucket whose next one
 * is missing breaks the line there: a gap is drawn as a gap, not as a line across it.
 */
export function seriesXY(
  points: readonly SeriesPoint[] | undefined,
  field: 'avg' | 'increase' = 'avg',
  scale = 1,
  step?: SeriesStep,
): XY[] {
  // 1.5 steps: a local day is 23–25 h long, two buckets apart is at least 46 h.
  const maxGap = step ? 1.5 * STEP_MS[step] : Infinity;
  const out: XY[] = [];
  for (const p of points ?? []) {
    const x = Date.parse(p.t);
    const prev = out[out.length - 1];
    if (prev && x - prev.x > maxGap) out.push({ x: prev.x + STEP_MS[step!], y: null });
    const v = field === 'avg' ? p.avg : p.increase;
    out.push({ x, y: v === null || v === undefined || !Number.isFinite(v) ? null : v * scale });
  }
  return out;
}

/** The chart points of a response's main series (see seriesXY), gaps broken with the response's step. */
export function mainXY(resp: SeriesResponse | undefined, field: 'avg' | 'increase' = 'avg', scale = 1): XY[] {
  return seriesXY(mainSeries(resp)?.points, field, scale, resp?.step);
}

/** Live points of one series key from the live buffer. */
export function liveXY(live: readonly LiveSample[], key: string, scale = 1): XY[] {
  const out: XY[] = [];
  for (const s of live) {
    const v = s.values[key];
    if (typeof v === 'number' && Number.isFinite(v)) out.push({ x: s.t, y: v * scale });
  }
  return out;
}

/** Inserts a null between consecutive points further apart than `maxGapMs`, so silence shows as a gap. */
export function withGaps(data: readonly XY[], maxGapMs: number): XY[] {
  const out: XY[] = [];
  for (let i = 0; i < data.length; i++) {
    const p = data[i]!;
    const prev = data[i - 1];
    if (prev && p.x - prev.x > maxGapMs && prev.y !== null && p.y !== null)
      out.push({ x: (prev.x + p.x) / 2, y: null });
    out.push(p);
  }
  return out;
}

/**
 * The 'live' line: the fetched 1-minute series, then the live samples newer than its last bucket that has
 * data, all clipped to the window. Silences longer than `maxGapMs` in the live part are gaps.
 */
export function mergeLive(
  base: readonly XY[],
  live: readonly XY[],
  from: number,
  maxGapMs = 2.5 * MINUTE,
): XY[] {
  let lastData = -Infinity;
  for (const p of base) if (p.y !== null) lastData = Math.max(lastData, p.x);
  // Live samples inside the last filled bucket are already in its average.
  const tailStart = lastData === -Infinity ? -Infinity : lastData + MINUTE;
  const head = base.filter((p) => p.x >= from && (p.x <= lastData || p.y === null) && p.x < tailStart);
  const tail = live.filter((p) => p.x >= from && p.x >= tailStart);
  const headEnd = head.length ? head[head.length - 1]!.x : -Infinity;
  return withGaps([...head, ...tail.filter((p) => p.x > headEnd)], maxGapMs);
}

/** Point-wise ratio of two aligned series (e.g. PUE = facility / IT); null where either is missing or den ≤ 0. */
export function ratioXY(num: readonly XY[], den: readonly XY[], scale = 1): XY[] {
  const byX = new Map(den.map((p) => [p.x, p.y]));
  return num.map((p) => {
    const d = byX.get(p.x);
    return { x: p.x, y: p.y !== null && d !== null && d !== undefined && d > 0 ? (p.y / d) * scale : null };
  });
}

/** The unlabelled series of a response (power, energy), or the first one. */
export function mainSeries(resp: SeriesResponse | undefined) {
  if (!resp) return undefined;
  return resp.series.find((s) => Object.keys(s.labels).length === 0) ?? resp.series[0];
}

export interface LineData {
  label: string;
  color: string;
  data: XY[];
  stepped?: boolean;
}

export interface BuildContext {
  window: TimeWindow;
  /** Live samples (the 'live' range only). */
  live: readonly LiveSample[];
  /** Translated labels. */
  labels: {
    facility: string;
    it: string;
    pue: string;
    zone: (zone: string) => string;
    water: string;
    renewable: string;
  };
}

function gauge(resp: SeriesResponse | undefined, ctx: BuildContext, metric: string, scale: number): XY[] {
  const base = mainXY(resp, 'avg', scale);
  if (ctx.window.range !== 'live') return base;
  return mergeLive(base, liveXY(ctx.live, metric, scale), ctx.window.from);
}

/** Facility and IT power in MW. */
export function powerLines(
  facility: SeriesResponse | undefined,
  it: SeriesResponse | undefined,
  ctx: BuildContext,
): LineData[] {
  return [
    {
      label: ctx.labels.facility,
      color: COLORS.facility,
      data: gauge(facility, ctx, 'facility_power_kw', 1 / 1000),
    },
    { label: ctx.labels.it, color: COLORS.it, data: gauge(it, ctx, 'it_power_kw', 1 / 1000) },
  ];
}

/** PUE per bucket (average facility ÷ average IT power of the same bucket); live: per sample. */
export function pueLines(
  facility: SeriesResponse | undefined,
  it: SeriesResponse | undefined,
  ctx: BuildContext,
): LineData[] {
  let data = ratioXY(mainXY(facility), mainXY(it));
  if (ctx.window.range === 'live') {
    const live = ratioXY(liveXY(ctx.live, 'facility_power_kw'), liveXY(ctx.live, 'it_power_kw'));
    data = mergeLive(data, live, ctx.window.from);
  }
  return [{ label: ctx.labels.pue, color: COLORS.pue, data }];
}

function zoneName(labels: Record<string, string>): string {
  if (labels.zone) return labels.zone;
  const entries = Object.entries(labels);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : '—';
}

/** One line per zone (inlet temperature, humidity), sorted by zone, each with its live samples. */
export function zoneLines(resp: SeriesResponse | undefined, metric: string, ctx: BuildContext): LineData[] {
  if (!resp) return [];
  const series = [...resp.series].sort((a, b) =>
    zoneName(a.labels).localeCompare(zoneName(b.labels), undefined, { numeric: true }),
  );
  return series.map((s, i) => {
    let data = seriesXY(s.points, 'avg', 1, resp.step);
    if (ctx.window.range === 'live') {
      const key = `${metric}${canonicalLabels(s.labels)}`;
      data = mergeLive(data, liveXY(ctx.live, key), ctx.window.from);
    }
    return { label: ctx.labels.zone(zoneName(s.labels)), color: PALETTE[i % PALETTE.length]!, data };
  });
}

/** Water drawn per bucket (the counter's increase), in m³. */
export function waterLines(resp: SeriesResponse | undefined, ctx: BuildContext): LineData[] {
  if (!mainSeries(resp)) return [];
  return [{ label: ctx.labels.water, color: COLORS.water, data: mainXY(resp, 'increase'), stepped: true }];
}

/** Renewable share per bucket: renewable energy increase ÷ facility energy increase, in %, capped at 100. */
export function renewableLines(
  renewable: SeriesResponse | undefined,
  facilityEnergy: SeriesResponse | undefined,
  ctx: BuildContext,
): LineData[] {
  if (!mainSeries(renewable)) return [];
  const share = ratioXY(mainXY(renewable, 'increase'), mainXY(facilityEnergy, 'increase'), 100).map((p) => ({
    x: p.x,
    y: p.y === null ? null : Math.min(100, p.y),
  }));
  return [{ label: ctx.labels.renewable, color: COLORS.renewable, data: share, stepped: true }];
}

/**
 * Metrics of `metrics` the site has no series of (their answer is loaded and `series` is empty, and no live sample
 * has brought one since): a chart of them says the site does not report them rather than "no data". A new site's
 * first samples arrive live after its page asked for its series.
 */
export function unreported(
  metrics: readonly string[],
  responses: Readonly<Record<string, SeriesResponse | undefined>>,
  live: readonly LiveSample[] = [],
): string[] {
  const seenLive = (m: string) =>
    live.some((s) => Object.keys(s.values).some((k) => k === m || k.startsWith(`${m}{`)));
  return metrics.filter((m) => responses[m]?.series.length === 0 && !seenLive(m));
}

/** True when no line has a single value. */
export function isEmpty(lines: readonly LineData[]): boolean {
  return lines.every((l) => l.data.every((p) => p.y === null));
}
