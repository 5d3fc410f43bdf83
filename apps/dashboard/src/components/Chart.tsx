/**
 * The dashboard's one chart.js wrapper. It owns the chart's lifecycle: creates it on mount, updates data and
 * options in place (no re-creation, no animation) when the props change, destroys it on unmount. Every chart
 * is a canvas with role="img" and an aria-label that summarises the data for screen readers.
 *
 * Only lazily loaded pages import this module, so chart.js stays out of the initial bundle.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  TimeScale,
  Tooltip,
  type ChartConfiguration,
  type ChartData,
  type ChartOptions,
  type Plugin,
} from 'chart.js';
import 'chartjs-adapter-date-fns';
import { zhCN } from 'date-fns/locale/zh-CN';
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';
import { useI18n } from '../i18n/i18n';
import type { Band, RefLine, XInterval, XY } from './chart-options';

/**
 * Draws `options.plugins.bands`: shaded time intervals (alarms), shaded value ranges and dashed reference lines
 * behind the datasets.
 */
const bandsPlugin: Plugin = {
  id: 'bands',
  beforeDatasetsDraw(chart, _args, opts: { bands?: Band[]; lines?: RefLine[]; intervals?: XInterval[] }) {
    const y = chart.scales.y;
    const x = chart.scales.x;
    const area = chart.chartArea;
    if (!y || !area) return;
    const { ctx } = chart;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.font = `12px ${ChartJS.defaults.font.family ?? 'sans-serif'}`;
    for (const iv of x ? (opts?.intervals ?? []) : []) {
      const left = x!.getPixelForValue(iv.from);
      // At least 2 px, so an alarm shorter than a pixel's worth of time stays visible.
      const width = Math.max(2, x!.getPixelForValue(iv.to) - left);
      ctx.fillStyle = iv.color;
      ctx.fillRect(left, area.top, width, area.bottom - area.top);
    }
    for (const band of opts?.bands ?? []) {
      const top = y.getPixelForValue(band.to);
      const bottom = y.getPixelForValue(band.from);
      ctx.fillStyle = band.color;
      ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
      if (band.label) {
        ctx.fillStyle = String(ChartJS.defaults.color);
        ctx.textBaseline = 'top';
        ctx.fillText(band.label, area.left + 6, Math.max(area.top, top) + 4);
      }
    }
    for (const line of opts?.lines ?? []) {
      const py = y.getPixelForValue(line.value);
      ctx.strokeStyle = line.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(area.left, py);
      ctx.lineTo(area.right, py);
      ctx.stroke();
      if (line.label) {
        ctx.setLineDash([]);
        ctx.fillStyle = line.color;
        ctx.textAlign = 'right';
        ctx.textBaseline = 'bottom';
        ctx.fillText(line.label, area.right - 6, py - 3);
      }
    }
    ctx.restore();
  },
  // Annotations over the data, so their labels stay readable: a line where each starts, its label at the top;
  // a label that would overlap the one before it is left out (its line stays; the span's tooltip-free shade too).
  afterDatasetsDraw(chart, _args, opts: { intervals?: XInterval[] }) {
    const x = chart.scales.x;
    const area = chart.chartArea;
    if (!x || !area) return;
    const { ctx } = chart;
    ctx.font = `11px ${ChartJS.defaults.font.family ?? 'sans-serif'}`;
    ctx.textBaseline = 'top';
    let freeFrom = -Infinity;
    const labelled = (opts?.intervals ?? []).filter((iv) => iv.label && iv.marker);
    if (!labelled.length) return;
    ctx.save();
    const background =
      getComputedStyle(chart.canvas).getPropertyValue('--card').trim() || 'rgba(255,255,255,0.85)';
    for (const iv of labelled) {
      const px = Math.round(x.getPixelForValue(iv.from)) + 0.5;
      if (px < area.left || px > area.right) continue;
      ctx.strokeStyle = iv.marker!;
      ctx.lineWidth = 1;
      ctx.setLineDash([3, 2]);
      ctx.beginPath();
      ctx.moveTo(px, area.top);
      ctx.lineTo(px, area.bottom);
      ctx.stroke();
      const width = ctx.measureText(iv.label!).width + 6;
      const left = Math.min(px + 2, area.right - width);
      if (left < freeFrom) continue;
      freeFrom = left + width + 4;
      ctx.fillStyle = background;
      ctx.globalAlpha = 0.85;
      ctx.fillRect(left, area.top + 1, width, 15);
      ctx.globalAlpha = 1;
      ctx.fillStyle = iv.marker!;
      ctx.fillText(iv.label!, left + 3, area.top + 3);
    }
    ctx.restore();
  },
};

ChartJS.register(
  LineController,
  LineElement,
  PointElement,
  BarController,
  BarElement,
  LinearScale,
  CategoryScale,
  TimeScale,
  Tooltip,
  Legend,
  Filler,
  bandsPlugin,
);

/** Text and grid colours from the page's CSS variables, so charts follow the light/dark theme. */
function applyTheme(): void {
  const css = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  ChartJS.defaults.color = get('--muted', '#5a6776');
  ChartJS.defaults.borderColor = get('--grid', 'rgba(0,0,0,0.1)');
  ChartJS.defaults.font.family = css.fontFamily || 'system-ui, sans-serif';
  ChartJS.defaults.font.size = 12;
}

export type ChartProps =
  | { type: 'line'; data: ChartData<'line', XY[]>; options: ChartOptions<'line'> }
  | { type: 'bar'; data: ChartData<'bar', (number | null)[], string>; options: ChartOptions<'bar'> };

type Props = ChartProps & {
  /** Summary of what the chart shows, read by screen readers (role="img"). */
  label: string;
  /** CSS height of the chart box (default 260px). */
  height?: number | string;
  testId?: string;
  /** Time charts: called with the x-axis values of a mouse drag across the plot (drag-to-zoom). */
  onZoomX?: (from: number, to: number) => void;
  /** Receives the chart.js instance once created (null when destroyed), e.g. for PNG export. */
  onChart?: (chart: ChartJS | null) => void;
};

/** A drag in progress: canvas-relative CSS pixels where it started and where the pointer is. */
interface Drag {
  start: number;
  end: number;
  /** Shift held at the start: pan (move the range by the drag) instead of zooming to the selection. */
  pan: boolean;
}

/**
 * Drag-to-zoom on the x axis with a mouse (touch keeps scrolling the page), shift-drag to pan; a plain click is
 * neither. Both report the new x range through onZoomX.
 */
function useDragZoom(chartRef: RefObject<ChartJS | null>, onZoomX: Props['onZoomX']) {
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);
  const set = (d: Drag | null) => {
    dragRef.current = d;
    setDrag(d);
  };
  const clamp = (chart: ChartJS, px: number) =>
    Math.min(chart.chartArea.right, Math.max(chart.chartArea.left, px));
  const offsetX = (e: ReactPointerEvent<HTMLCanvasElement>) =>
    e.clientX - e.currentTarget.getBoundingClientRect().left;
  if (!onZoomX) return { drag: null, handlers: {} };
  return {
    drag,
    handlers: {
      onPointerDown: (e: ReactPointerEvent<HTMLCanvasElement>) => {
        const chart = chartRef.current;
        if (!chart || e.pointerType === 'touch' || e.button !== 0) return;
        const x = offsetX(e);
        const y = e.clientY - e.currentTarget.getBoundingClientRect().top;
        const a = chart.chartArea;
        if (x < a.left || x > a.right || y < a.top || y > a.bottom) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        set({ start: x, end: x, pan: e.shiftKey });
      },
      onPointerMove: (e: ReactPointerEvent<HTMLCanvasElement>) => {
        const chart = chartRef.current;
        if (!chart || !dragRef.current) return;
        const d = dragRef.current;
        set({ ...d, end: d.pan ? offsetX(e) : clamp(chart, offsetX(e)) });
      },
      onPointerUp: () => {
        const chart = chartRef.current;
        const d = dragRef.current;
        set(null);
        const x = chart?.scales.x;
        // Under 4 px is a click (tooltips), not a selection.
        if (!x || !d || Math.abs(d.end - d.start) < 4) return;
        const at = (px: number) => x.getValueForPixel(px) ?? NaN;
        if (!d.pan) return onZoomX(at(d.start), at(d.end));
        // Dragging right shows earlier times: the axis moves with the pointer.
        const shift = at(d.start) - at(d.end);
        onZoomX(x.min + shift, x.max + shift);
      },
      onPointerCancel: () => set(null),
    },
  };
}

/** Adds the date locale of the current language to a time axis. */
function localized<T extends ChartOptions<'line'> | ChartOptions<'bar'>>(options: T, language: string): T {
  const x = options.scales?.x as { type?: string } | undefined;
  if (!x || x.type !== 'time' || language !== 'zh-CN') return options;
  return {
    ...options,
    scales: { ...options.scales, x: { ...x, adapters: { date: { locale: zhCN } } } },
  } as T;
}

/** Copies new datasets into the chart's own objects (same label → same object), so chart.js updates in place. */
function syncData(target: ChartData, source: ChartData): void {
  target.labels = source.labels ? [...source.labels] : undefined;
  const next = source.datasets;
  for (let i = 0; i < next.length; i++) {
    const existing = target.datasets[i];
    if (existing && existing.label === next[i]!.label) Object.assign(existing, next[i]);
    else target.datasets[i] = { ...next[i]! };
  }
  target.datasets.length = next.length;
}

export function Chart(props: Props) {
  const { label, height = 260, testId, onZoomX, onChart } = props;
  const { language } = useI18n();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const chartRef = useRef<ChartJS | null>(null);
  // The latest props, read when the chart is (re)created.
  const latest = useRef(props);
  latest.current = props;
  const onChartRef = useRef(onChart);
  onChartRef.current = onChart;
  const { drag, handlers } = useDragZoom(chartRef, onZoomX);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    applyTheme();
    const p = latest.current;
    const data = { labels: p.data.labels, datasets: [] } as ChartData;
    syncData(data, p.data as ChartData);
    const chart = new ChartJS(canvas, {
      type: p.type,
      data,
      options: localized(p.options, language),
    } as ChartConfiguration);
    chartRef.current = chart;
    onChartRef.current?.(chart);
    // Re-fit the canvas to the printed page width and back.
    const refit = () => chart.resize();
    window.addEventListener('beforeprint', refit);
    window.addEventListener('afterprint', refit);
    return () => {
      window.removeEventListener('beforeprint', refit);
      window.removeEventListener('afterprint', refit);
      chart.destroy();
      chartRef.current = null;
      onChartRef.current?.(null);
    };
    // Re-created only when the chart type or the language (date locale) changes.
  }, [props.type, language]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!chart) return;
    syncData(chart.data, props.data as ChartData);
    chart.options = localized(props.options, language) as ChartOptions;
    chart.update('none');
  }, [props.data, props.options, language]);

  return (
    <div className="chart-box" style={{ height }} data-testid={testId}>
      <canvas ref={canvasRef} role="img" aria-label={label} {...handlers}>
        {label}
      </canvas>
      {drag && !drag.pan && chartRef.current ? (
        <div
          className="chart-zoom-select"
          aria-hidden="true"
          style={{
            left: Math.min(drag.start, drag.end),
            width: Math.abs(drag.end - drag.start),
            top: chartRef.current.chartArea.top,
            height: chartRef.current.chartArea.bottom - chartRef.current.chartArea.top,
          }}
        />
      ) : null}
    </div>
  );
}
