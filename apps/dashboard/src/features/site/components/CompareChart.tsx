import { useQueries } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { lineDataset, summarizeChart, timeLineOptions } from '../../../components/chart-options';
import { displayName } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { useFleetQuery } from '../../fleet/hooks/use-fleet-query';
import type { RangeSelection, TimeWindow } from '../api/time-range';
import { addCompared, COMPARE_MAX, COMPARE_METRICS, compareLines, type CompareMetric } from '../api/compare';
import { seriesQuery } from '../api/site-api';
import { LazyChart } from './LazyChart';

interface Props {
  code: string;
  selection: RangeSelection;
  window: TimeWindow;
  rangeLabel: string;
  onZoom: (from: number, to: number) => void;
}

/**
 * One metric of this site and up to five others on one chart, over the page's range. The page's own series is
 * already in the query cache (same key), so only the added sites cost a request each.
 */
export function CompareChart({ code, selection, window, rangeLabel, onZoom }: Props) {
  const { t, fmt, language } = useI18n();
  const fleet = useFleetQuery();
  // The legend says which site a code is, in the UI's language (the picker keeps codes: a select is as wide as its
  // longest option, and names would widen the page on a phone).
  const names = useMemo(
    () => new Map((fleet.data ?? []).map((s) => [s.code, `${s.code} ${displayName(s, language)}`])),
    [fleet.data, language],
  );
  const [metric, setMetric] = useState<CompareMetric>('it_power_kw');
  const [codes, setCodes] = useState<string[]>([code]);
  const results = useQueries({ queries: codes.map((c) => seriesQuery(c, metric, selection, window)) });
  const loaded = results.map((r) => r.data);
  // codes and loaded change together; the list of responses is the dependency.
  const lines = useMemo(() => compareLines(codes, loaded), [codes, ...loaded]);
  const format = useCallback((v: number) => fmt.fixed(v, 2), [fmt]);
  const title = t('site.compare.title');
  const options = useMemo(
    () =>
      timeLineOptions({
        xTitle: t('site.axis.time'),
        yTitle: t('site.axis.power'),
        min: window.from,
        max: window.to,
        beginAtZero: true,
        format,
        unit: 'MW',
      }),
    [t, window.from, window.to, format],
  );
  // The legend and tooltips name the sites; the text summary keeps the codes.
  const data = useMemo(
    () => ({ datasets: lines.map((l) => lineDataset({ ...l, label: names.get(l.label) ?? l.label })) }),
    [lines, names],
  );
  const parts = summarizeChart(lines, format, (label, last, min, max) =>
    t('site.summary.series', { label, last, min, max, unit: 'MW' }),
  );
  const candidates = (fleet.data ?? []).map((s) => s.code).filter((c) => !codes.includes(c));
  const full = codes.length >= COMPARE_MAX;

  return (
    <section className="card chart-card compare" aria-labelledby="compare-title" data-testid="chart-compare">
      <h2 id="compare-title">{title}</h2>
      <div className="compare-controls">
        <label>
          {t('site.compare.metric')}{' '}
          <select value={metric} onChange={(e) => setMetric(e.target.value as CompareMetric)}>
            {COMPARE_METRICS.map((m) => (
              <option key={m} value={m}>
                {t(`site.compare.metric.${m}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('site.compare.add')}{' '}
          <select
            value=""
            disabled={full}
            onChange={(e) => e.target.value && setCodes((list) => addCompared(list, e.target.value))}
          >
            <option value="">{full ? t('site.compare.full', { max: COMPARE_MAX }) : '—'}</option>
            {candidates.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        {codes.slice(1).map((c) => (
          <button
            key={c}
            type="button"
            className="btn-secondary btn-small"
            onClick={() => setCodes((list) => list.filter((x) => x !== c))}
            aria-label={t('site.compare.remove', { code: c })}
          >
            {c} ×
          </button>
        ))}
      </div>
      {codes.length > 1 ? (
        <LazyChart
          type="line"
          data={data}
          options={options}
          label={t('site.summary', { title, range: rangeLabel, series: parts.join('; ') })}
          height={260}
          onZoomX={onZoom}
        />
      ) : (
        <p className="muted small">{t('site.compare.hint', { max: COMPARE_MAX - 1 })}</p>
      )}
    </section>
  );
}
