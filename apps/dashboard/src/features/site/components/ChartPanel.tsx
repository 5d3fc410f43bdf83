import { useCallback, useMemo } from 'react';
import { Chart } from '../../../components/Chart';
import {
  COLORS,
  lineDataset,
  summarizeChart,
  timeLineOptions,
  type Band,
} from '../../../components/chart-options';
import { ErrorState } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import { isEmpty, type BuildContext } from '../api/chart-data';
import type { ChartDefinition } from '../api/site-charts';
import type { SeriesQueries } from '../hooks/use-series-query';

interface Props {
  chart: ChartDefinition;
  /** The page's series queries by metric; the chart reads its own. */
  series: SeriesQueries;
  /** The window, the live samples and the series labels every chart of the page shares. */
  ctx: BuildContext;
  rangeLabel: string;
}

/**
 * A titled chart card for one chart definition: its lines from the series it reads, loading, error (with a
 * retry of its own requests) and empty states, and a screen-reader summary.
 */
export function ChartPanel({ chart, series, ctx, rangeLabel }: Props) {
  const { t, fmt } = useI18n();
  const queries = chart.metrics.map((metric) => series[metric]);
  const loaded = queries.map((q) => q?.data);
  // chart.metrics never changes for a panel, so the dependency list keeps its length.
  const lines = useMemo(
    () => chart.lines(Object.fromEntries(chart.metrics.map((m, i) => [m, loaded[i]])), ctx),
    [chart, ctx, ...loaded],
  );
  const loading = queries.some((q) => q?.isFetching);
  const error = queries.find((q) => q?.error)?.error ?? null;
  const retry = () => queries.forEach((q) => void q?.refetch());

  const title = t(chart.title);
  const yTitle = t(chart.yTitle, { step: t(`site.step.${ctx.window.step}`) });
  const format = useCallback((v: number) => fmt.fixed(v, chart.digits), [fmt, chart.digits]);
  const bands: Band[] | undefined = useMemo(
    () =>
      chart.band
        ? [{ from: chart.band.from, to: chart.band.to, color: COLORS.band, label: t(chart.band.label) }]
        : undefined,
    [chart.band, t],
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
        format,
        unit: chart.unit,
      }),
    [t, yTitle, ctx.window.from, ctx.window.to, chart, bands, format],
  );
  const parts = summarizeChart(lines, format, (label, last, min, max) =>
    t('site.summary.series', { label, last, min, max, unit: chart.unit }),
  );
  const summary = parts.length
    ? t('site.summary', { title, range: rangeLabel, series: parts.join('; ') })
    : t('site.summary.empty', { title, range: rangeLabel });

  return (
    <section
      className="card chart-card"
      aria-labelledby={`${chart.id}-title`}
      data-testid={`chart-${chart.id}`}
    >
      <h2 id={`${chart.id}-title`}>{title}</h2>
      {error ? (
        <ErrorState
          error={error}
          message={t('site.chart.loadError', { message: error.message })}
          onRetry={retry}
        />
      ) : isEmpty(lines) ? (
        <p className="chart-empty muted" role="status">
          {loading ? t('site.chart.loading') : t('site.chart.noData')}
        </p>
      ) : (
        <Chart type="line" data={data} options={options} label={summary} height={230} />
      )}
    </section>
  );
}
