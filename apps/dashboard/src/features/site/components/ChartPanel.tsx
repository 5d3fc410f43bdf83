import { ALARM_RULE_KINDS, type AlarmInfo, type AlarmRuleKind } from '@dcfleet/contracts';
import type { Chart as ChartJS } from 'chart.js';
import { useCallback, useMemo, useRef } from 'react';
import {
  COLORS,
  lineDataset,
  summarizeChart,
  timeLineOptions,
  type Band,
  type RefLine,
  type XInterval,
  type XY,
} from '../../../components/chart-options';
import { ErrorState } from '../../../components/ui';
import { useI18n, type Translate } from '../../../i18n/i18n';
import { saveFile } from '../../../lib/download';
import { isEmpty, unreported, type BuildContext } from '../api/chart-data';
import { buildCsv, exportName } from '../api/chart-export';
import { alarmIntervals, annotationText, overlaysFor, type Thresholds } from '../api/chart-overlays';
import type { ChartDefinition } from '../api/site-charts';
import type { SeriesQueries } from '../hooks/use-series-query';
import { LazyChart } from './LazyChart';

/** A rule kind's name as the alarms page shows it; a kind this build does not know by its id. */
function ruleName(t: Translate, rule: string): string {
  return (ALARM_RULE_KINDS as readonly string[]).includes(rule)
    ? t(`alarms.rule.${rule as AlarmRuleKind}`)
    : rule;
}

interface Props {
  chart: ChartDefinition;
  /** The page's series queries by metric; the chart reads its own. */
  series: SeriesQueries;
  /** The window, the live samples and the series labels every chart of the page shares. */
  ctx: BuildContext;
  rangeLabel: string;
  /** The site code, for export file names. */
  site: string;
  /** The site's alarm thresholds (effective rules, or the built-in defaults for readers without rules). */
  thresholds: Thresholds;
  /** The site's alarms (empty for regulators), shaded on the time axis. */
  alarms: readonly AlarmInfo[];
  /** A drag-to-zoom selected [from, to] on the time axis. */
  onZoom: (from: number, to: number) => void;
}

/**
 * A titled chart card for one chart definition: its lines from the series it reads, loading, error (with a
 * retry of its own requests) and empty states, and a screen-reader summary.
 */
export function ChartPanel({ chart, series, ctx, rangeLabel, site, thresholds, alarms, onZoom }: Props) {
  const { t, fmt } = useI18n();
  const queries = chart.metrics.map((metric) => series[metric]);
  const loaded = queries.map((q) => q?.data);
  // chart.metrics never changes for a panel, so the dependency list keeps its length.
  const lines = useMemo(
    () => chart.lines(Object.fromEntries(chart.metrics.map((m, i) => [m, loaded[i]])), ctx),
    [chart, ctx, ...loaded],
  );
  // A metric the site has no series of at all: say so, rather than "no data" as if the range were the problem.
  const missing = unreported(
    chart.metrics,
    Object.fromEntries(chart.metrics.map((m, i) => [m, loaded[i]])),
    ctx.live,
  );
  const loading = queries.some((q) => q?.isFetching);
  const error = queries.find((q) => q?.error)?.error ?? null;
  const retry = () => queries.forEach((q) => void q?.refetch());

  const title = t(chart.title);
  const yTitle = t(chart.yTitle, { step: t(`site.step.${ctx.window.step}`) });
  const format = useCallback((v: number) => fmt.fixed(v, chart.digits), [fmt, chart.digits]);
  const overlays = useMemo(() => overlaysFor(chart.thresholds, thresholds), [chart.thresholds, thresholds]);
  const bands: Band[] = useMemo(
    () =>
      overlays.bands.map((b) => ({
        from: b.from,
        to: b.to,
        color: COLORS.band,
        label: t('site.chart.inletBand', { low: fmt.fixed(b.from, 1), high: fmt.fixed(b.to, 1) }),
      })),
    [overlays, t, fmt],
  );
  const refLines: RefLine[] = useMemo(
    () =>
      overlays.lines.map((l) => ({
        value: l.value,
        color: l.severity === 'critical' ? COLORS.target : COLORS.warning,
        label: t(`site.chart.limit.${l.severity}`, { value: format(l.value) }),
      })),
    [overlays, t, format],
  );
  // Alarms are the annotations: what an operator needs on the time axis is what fired, where and when (a
  // demo fault, e.g. an overheating zone, shows through the alarm it raises, as a real one would).
  const spans = useMemo(
    () => alarmIntervals(alarms, ctx.window, chart.thresholds),
    [alarms, ctx.window, chart.thresholds],
  );
  const annotations = useMemo(
    () =>
      spans.map((a) =>
        // Only alarms raised inside the window are marked: a clipped start is not when anything happened.
        a.raised >= ctx.window.from ? annotationText(a, ruleName(t, a.rule), (v) => fmt.fixed(v, 1)) : null,
      ),
    [spans, ctx.window.from, t, fmt],
  );
  const intervals: XInterval[] = useMemo(
    () =>
      spans.map((a, i) => ({
        from: a.from,
        to: a.to,
        color: a.severity === 'critical' ? COLORS.alarmCritical : COLORS.alarmWarning,
        ...(annotations[i]
          ? { label: annotations[i], marker: a.severity === 'critical' ? COLORS.target : COLORS.warning }
          : {}),
      })),
    [spans, annotations],
  );
  const data = useMemo(() => ({ datasets: lines.map((l) => lineDataset(l)) }), [lines]);
  const options = useMemo(
    () =>
      timeLineOptions({
        xTitle: t('site.axis.time'),
        yTitle,
        min: ctx.window.from,
        max: ctx.window.to,
        suggestedMin: chart.suggestedMin,
        suggestedMax: chart.suggestedMax,
        beginAtZero: chart.beginAtZero,
        bands,
        lines: refLines,
        intervals,
        format,
        unit: chart.unit,
      }),
    [t, yTitle, ctx.window.from, ctx.window.to, chart, bands, refLines, intervals, format],
  );
  const parts = summarizeChart(lines, format, (label, last, min, max) =>
    t('site.summary.series', { label, last, min, max, unit: chart.unit }),
  );
  const summary = parts.length
    ? t('site.summary', { title, range: rangeLabel, series: parts.join('; ') })
    : t('site.summary.empty', { title, range: rangeLabel });

  const instance = useRef<ChartJS | null>(null);
  const onChart = useCallback((c: ChartJS | null) => {
    instance.current = c;
  }, []);
  const range = { from: ctx.window.from, to: ctx.window.to };
  const exportPng = () => {
    const c = instance.current;
    if (c) saveFile(c.toBase64Image('image/png', 1), exportName(site, chart.id, range, 'png'));
  };
  // The series as drawn: legend-hidden ones left out, only the part inside the axis range.
  const exportCsv = () => {
    const c = instance.current;
    const visible = c
      ? c.data.datasets
          .filter((_, i) => c.isDatasetVisible(i))
          .map((d) => ({ label: d.label ?? '', data: d.data as XY[] }))
      : lines;
    const csv = buildCsv(visible, range);
    saveFile(new Blob([csv], { type: 'text/csv;charset=utf-8' }), exportName(site, chart.id, range, 'csv'));
  };
  const canExport = !error && !missing.length && !isEmpty(lines);

  return (
    <section
      className="card chart-card"
      aria-labelledby={`${chart.id}-title`}
      data-testid={`chart-${chart.id}`}
      // For tests and tooling: the thresholds drawn and how many alarm spans are shaded.
      data-bands={JSON.stringify(overlays)}
      data-alarm-spans={intervals.length}
      data-annotations={JSON.stringify(annotations.filter((a) => a !== null))}
    >
      <div className="chart-card-head">
        <h2 id={`${chart.id}-title`}>{title}</h2>
        {canExport ? (
          <div className="chart-tools">
            {(
              [
                ['png', exportPng, 'site.chart.exportPng', 'site.chart.exportPngLabel'],
                ['csv', exportCsv, 'site.chart.exportCsv', 'site.chart.exportCsvLabel'],
              ] as const
            ).map(([kind, onClick, text, label]) => (
              <button
                key={kind}
                type="button"
                className="btn-secondary btn-small"
                onClick={onClick}
                aria-label={t(label, { title })}
                data-testid={`export-${kind}-${chart.id}`}
              >
                {t(text)}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      {error ? (
        <ErrorState
          error={error}
          message={t('site.chart.loadError', { message: error.message })}
          onRetry={retry}
        />
      ) : missing.length ? (
        <p className="chart-empty muted" role="status" data-testid={`not-reported-${chart.id}`}>
          {t('site.chart.notReported', { what: t(chart.reports) })}
        </p>
      ) : isEmpty(lines) ? (
        <p className="chart-empty muted" role="status">
          {loading ? t('site.chart.loading') : t('site.chart.noData')}
        </p>
      ) : (
        <LazyChart
          type="line"
          data={data}
          options={options}
          label={summary}
          height={230}
          onZoomX={onZoom}
          onChart={onChart}
        />
      )}
    </section>
  );
}
