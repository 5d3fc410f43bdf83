/**
 * Pure chart.js option and dataset builders shared by every chart (no chart.js runtime import here, so they
 * are unit-testable and stay out of the initial bundle). The `Chart` component owns the chart.js lifecycle.
 */
import type { ChartDataset, ChartOptions, ChartType, ScriptableContext } from 'chart.js';

/** A point on a time axis; y null is a gap (drawn as a gap: spanGaps is false). */
export interface XY {
  x: number;
  y: number | null;
}

export interface Band {
  from: number;
  to: number;
  color: string;
  label?: string;
}

export interface RefLine {
  value: number;
  color: string;
  label?: string;
}

/** A shaded span of the time axis (e.g. an alarm from raised to cleared), drawn full height behind the data. */
export interface XInterval {
  from: number;
  to: number;
  color: string;
  /** An annotation: a line at `from` in `marker` colour, labelled at the top of the plot (unless crowded). */
  label?: string;
  marker?: string;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    /** Shaded horizontal bands (e.g. the ASHRAE recommended range), drawn behind the data. */
    bands?: { bands?: Band[]; lines?: RefLine[]; intervals?: XInterval[] };
  }
}

/** Series colours with ≥ 3:1 contrast on both the light and the dark card background. */
export const PALETTE = [
  '#1c7ed6',
  '#e8590c',
  '#2f9e44',
  '#ae3ec9',
  '#1098ad',
  '#d6336c',
  '#868e96',
  '#a9743a',
];
export const COLORS = {
  facility: '#e8590c',
  it: '#1c7ed6',
  pue: '#ae3ec9',
  water: '#1098ad',
  renewable: '#2f9e44',
  band: 'rgba(47, 158, 68, 0.14)',
  target: '#c92a2a',
  warning: '#e67700',
  alarmWarning: 'rgba(230, 119, 0, 0.16)',
  alarmCritical: 'rgba(201, 42, 42, 0.18)',
};

/** Radius that makes a point visible only when it has no neighbour to draw a line to. */
export function isolatedRadius(data: readonly XY[], i: number, radius = 2.5): number {
  const p = data[i];
  if (!p || p.y === null) return 0;
  const prev = data[i - 1];
  const next = data[i + 1];
  return (!prev || prev.y === null) && (!next || next.y === null) ? radius : 0;
}

/**
 * A line's point radius: 0 (one option object chart.js shares across all points) unless some point is isolated;
 * then a function of the point. A scriptable option makes chart.js resolve every point's options one by one,
 * which on a year of 8 zones cost hundreds of milliseconds before the first draw.
 */
export function pointRadius(data: readonly XY[]): number | ((ctx: ScriptableContext<'line'>) => number) {
  for (let i = 0; i < data.length; i++)
    if (isolatedRadius(data, i) > 0)
      return (ctx: ScriptableContext<'line'>) => isolatedRadius(ctx.dataset.data as XY[], ctx.dataIndex);
  return 0;
}

export interface LineSpec {
  label: string;
  data: XY[];
  color: string;
  dashed?: boolean;
  /** Draw the line with steps (counters per bucket). */
  stepped?: boolean;
}

export function lineDataset(spec: LineSpec): ChartDataset<'line', XY[]> {
  return {
    label: spec.label,
    data: spec.data,
    borderColor: spec.color,
    backgroundColor: spec.color,
    borderWidth: 1.75,
    borderDash: spec.dashed ? [6, 4] : undefined,
    stepped: spec.stepped ? 'before' : false,
    spanGaps: false,
    tension: 0,
    pointRadius: pointRadius(spec.data),
    pointHoverRadius: 4,
    pointHitRadius: 6,
    fill: false,
  };
}

export interface TimeOptions {
  xTitle: string;
  yTitle: string;
  min: number;
  max: number;
  suggestedMin?: number;
  suggestedMax?: number;
  beginAtZero?: boolean;
  bands?: Band[];
  lines?: RefLine[];
  intervals?: XInterval[];
  /** How tooltips write a value (the page's locale-aware formatter; default two decimals). */
  format?: (value: number) => string;
  unit?: string;
}

/** Options of a time-series line chart: auto time unit (minUnit, never a fixed unit), titled axes with units. */
export function timeLineOptions(o: TimeOptions): ChartOptions<'line'> {
  const format = o.format ?? ((v: number) => v.toFixed(2));
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    scales: {
      x: {
        type: 'time',
        min: o.min,
        max: o.max,
        // minUnit, not unit: a fixed unit throws when points are far apart (stack.md pitfall 9).
        time: {
          minUnit: 'minute',
          tooltipFormat: 'yyyy-MM-dd HH:mm',
          displayFormats: { minute: 'HH:mm', hour: 'HH:mm', day: 'MM-dd', week: 'MM-dd', month: 'yyyy-MM' },
        },
        title: { display: true, text: o.xTitle },
        ticks: { maxRotation: 0, autoSkipPadding: 16 },
      },
      y: {
        title: { display: true, text: o.yTitle },
        suggestedMin: o.suggestedMin,
        suggestedMax: o.suggestedMax,
        beginAtZero: o.beginAtZero ?? false,
      },
    },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 14, boxHeight: 3 } },
      tooltip: {
        callbacks: {
          label: (ctx) => {
            const y = (ctx.raw as XY).y;
            return `${ctx.dataset.label ?? ''}: ${y === null ? '—' : format(y)}${o.unit ? ` ${o.unit}` : ''}`;
          },
        },
      },
      bands: { bands: o.bands ?? [], lines: o.lines ?? [], intervals: o.intervals ?? [] },
    },
  };
}

export interface SeriesSummary {
  label: string;
  data: readonly XY[];
}

/** min / max / latest of a dataset's non-null values. */
export function stats(data: readonly XY[]): { min: number; max: number; last: number; count: number } | null {
  let min = Infinity;
  let max = -Infinity;
  let last: number | null = null;
  let count = 0;
  for (const p of data) {
    if (p.y === null || !Number.isFinite(p.y)) continue;
    min = Math.min(min, p.y);
    max = Math.max(max, p.y);
    last = p.y;
    count++;
  }
  return last === null ? null : { min, max, last, count };
}

/**
 * The text a screen reader gets for a chart (canvas role="img" aria-label): what, when, and per series the
 * latest, lowest and highest value with the unit. `describe` formats one series, `empty` is used without data.
 */
export function summarizeChart(
  series: readonly SeriesSummary[],
  format: (value: number) => string,
  describe: (label: string, last: string, min: string, max: string) => string,
): string[] {
  const out: string[] = [];
  for (const s of series) {
    const st = stats(s.data);
    if (!st) continue;
    out.push(describe(s.label, format(st.last), format(st.min), format(st.max)));
  }
  return out;
}
