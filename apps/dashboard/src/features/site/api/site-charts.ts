/**
 * The site page's charts as data: what each draws (its series and how they map to lines), how its axis reads
 * and which alarm rules' thresholds it draws. One ChartPanel renders any of them; the page maps over the list.
 */
import type { SeriesResponse } from '@dcfleet/contracts';
import type { MessageId } from '../../../i18n/i18n';
import {
  powerLines,
  pueLines,
  renewableLines,
  waterLines,
  zoneLines,
  type BuildContext,
  type LineData,
} from './chart-data';
import type { ThresholdKind } from './chart-overlays';

/** The API series a chart reads, by metric name (undefined until loaded). */
export type SeriesByMetric = Readonly<Record<string, SeriesResponse | undefined>>;

export interface ChartDefinition {
  /** DOM ids and the `chart-<id>` test id. */
  id: string;
  title: MessageId;
  /** The y axis title; it may name the rollup step (`{step}`), e.g. water per bucket. */
  yTitle: MessageId;
  unit: string;
  /** Decimals in tooltips and in the screen-reader summary. */
  digits: number;
  metrics: readonly string[];
  /** What the site lacks when it has no series of one of `metrics` ("This site does not report …"). */
  reports: MessageId;
  lines: (series: SeriesByMetric, ctx: BuildContext) => LineData[];
  suggestedMin?: number;
  suggestedMax?: number;
  beginAtZero?: boolean;
  /** The alarm rule kind whose thresholds the chart draws as bands and lines (from the site's effective rules). */
  thresholds?: ThresholdKind;
}

export const SITE_CHARTS: readonly ChartDefinition[] = [
  {
    id: 'power',
    reports: 'site.reports.power',
    title: 'site.chart.power',
    yTitle: 'site.axis.power',
    unit: 'MW',
    digits: 2,
    beginAtZero: true,
    metrics: ['facility_power_kw', 'it_power_kw'],
    lines: (s, ctx) => powerLines(s.facility_power_kw, s.it_power_kw, ctx),
  },
  {
    id: 'pue',
    reports: 'site.reports.power',
    title: 'site.chart.pue',
    yTitle: 'site.axis.pue',
    unit: '',
    digits: 3,
    suggestedMin: 1,
    suggestedMax: 1.6,
    thresholds: 'pue',
    metrics: ['facility_power_kw', 'it_power_kw'],
    lines: (s, ctx) => pueLines(s.facility_power_kw, s.it_power_kw, ctx),
  },
  {
    id: 'inlet',
    reports: 'site.reports.inlet',
    title: 'site.chart.inlet',
    yTitle: 'site.axis.temp',
    unit: '°C',
    digits: 1,
    suggestedMin: 15,
    suggestedMax: 30,
    thresholds: 'inlet',
    metrics: ['inlet_temp_c'],
    lines: (s, ctx) => zoneLines(s.inlet_temp_c, 'inlet_temp_c', ctx),
  },
  {
    id: 'humidity',
    reports: 'site.reports.humidity',
    title: 'site.chart.humidity',
    yTitle: 'site.axis.humidity',
    unit: '%',
    digits: 1,
    suggestedMin: 20,
    suggestedMax: 80,
    metrics: ['relative_humidity_pct'],
    lines: (s, ctx) => zoneLines(s.relative_humidity_pct, 'relative_humidity_pct', ctx),
  },
  {
    id: 'water',
    reports: 'site.reports.water',
    title: 'site.chart.water',
    yTitle: 'site.axis.water',
    unit: 'm³',
    digits: 2,
    beginAtZero: true,
    metrics: ['water_m3'],
    lines: (s, ctx) => waterLines(s.water_m3, ctx),
  },
  {
    id: 'renewable',
    reports: 'site.reports.renewable',
    title: 'site.chart.renewable',
    yTitle: 'site.axis.share',
    unit: '%',
    digits: 1,
    beginAtZero: true,
    suggestedMax: 100,
    metrics: ['renewable_energy_kwh', 'facility_energy_kwh'],
    lines: (s, ctx) => renewableLines(s.renewable_energy_kwh, s.facility_energy_kwh, ctx),
  },
];

/** Every metric the charts read, each fetched once (power and PUE share theirs). */
export function metricsOf(charts: readonly ChartDefinition[]): string[] {
  return [...new Set(charts.flatMap((c) => c.metrics))];
}
