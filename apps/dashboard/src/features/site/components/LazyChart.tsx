/**
 * The site page's charts load chart.js on their own: the page (and its API requests) then start as soon as its
 * small chunk is in, while chart.js (about 77 kB gzip) arrives in parallel, not before them.
 */
import { lazy, Suspense, type ComponentProps } from 'react';
import { useI18n } from '../../../i18n/i18n';

const loadChart = () => import('../../../components/Chart');

/** Starts loading chart.js (the site page calls it when its chunk runs). */
export function preloadChart(): void {
  void loadChart();
}

const ChartImpl = lazy(() => loadChart().then((m) => ({ default: m.Chart })));

/** `components/Chart`, with the chart card's loading text until chart.js is in. */
export function LazyChart(props: ComponentProps<typeof ChartImpl>) {
  const { t } = useI18n();
  return (
    <Suspense
      fallback={
        <p className="chart-empty muted" role="status">
          {t('site.chart.loading')}
        </p>
      }
    >
      <ChartImpl {...props} />
    </Suspense>
  );
}
