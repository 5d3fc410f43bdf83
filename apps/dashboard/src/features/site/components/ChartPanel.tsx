import { useCallback, useMemo } from 'react';
import { Chart } from '../../../components/Chart';
import { lineDataset, summarizeChart, timeLineOptions, type Band } from '../../../components/chart-options';
import { ErrorState } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import { isEmpty, type LineData, type TimeWindow } from '../api/chart-data';

interface Props {
  id: string;
  title: string;
  lines: LineData[];
  window: TimeWindow;
  rangeLabel: string;
  yTitle: string;
  unit: string;
  digits: number;
  loading: boolean;
  error: Error | null;
  onRetry: () => void;
  suggestedMin?: number;
  suggestedMax?: number;
  beginAtZero?: boolean;
  bands?: Band[];
}

/** A titled chart card with loading, error and empty states and a screen-reader summary. */
export function ChartPanel(p: Props) {
  const { t, fmt } = useI18n();
  const empty = isEmpty(p.lines);
  const format = useCallback((v: number) => fmt.fixed(v, p.digits), [fmt, p.digits]);
  const data = useMemo(() => ({ datasets: p.lines.map((l) => lineDataset(l)) }), [p.lines]);
  const options = useMemo(
    () =>
      timeLineOptions({
        xTitle: t('site.axis.time'),
        yTitle: p.yTitle,
        min: p.window.from,
        max: p.window.to,
        suggestedMin: p.suggestedMin,
        suggestedMax: p.suggestedMax,
        beginAtZero: p.beginAtZero,
        bands: p.bands,
        format,
        unit: p.unit,
      }),
    [
      t,
      p.yTitle,
      p.window.from,
      p.window.to,
      p.suggestedMin,
      p.suggestedMax,
      p.beginAtZero,
      p.bands,
      format,
      p.unit,
    ],
  );
  const parts = summarizeChart(p.lines, format, (label, last, min, max) =>
    t('site.summary.series', { label, last, min, max, unit: p.unit }),
  );
  const summary = parts.length
    ? t('site.summary', { title: p.title, range: p.rangeLabel, series: parts.join('; ') })
    : t('site.summary.empty', { title: p.title, range: p.rangeLabel });

  return (
    <section className="card chart-card" aria-labelledby={`${p.id}-title`} data-testid={`chart-${p.id}`}>
      <h2 id={`${p.id}-title`}>{p.title}</h2>
      {p.error ? (
        <ErrorState
          error={p.error}
          message={t('site.chart.loadError', { message: p.error.message })}
          onRetry={p.onRetry}
        />
      ) : empty ? (
        <p className="chart-empty muted" role="status">
          {p.loading ? t('site.chart.loading') : t('site.chart.noData')}
        </p>
      ) : (
        <Chart type="line" data={data} options={options} label={summary} height={230} />
      )}
    </section>
  );
}
