/**
 * The site page's charts load chart.js on their own: the page (and its API requests) then start as soon as its
 * small chunk is in, while chart.js (about 77 kB gzip) arrives in parallel, not before them.
 */
import { lazy, Suspense, type ComponentProps } from 'react';
import { useI18n } from '../../../i18n/i18n';

type ChartModule = typeof import('../../../components/Chart');

/** The chart module once loaded: charts then render it directly, without suspending. */
let loaded: ChartModule | null = null;
let loading: Promise<ChartModule> | null = null;
const loadChart = () =>
  (loading ??= import('../../../components/Chart').then((m) => {
    loaded = m;
    return m;
  }));

/** Starts loading chart.js (the site page calls it when its chunk runs). */
export function preloadChart(): void {
  void loadChart();
}

const ChartImpl = lazy(() => loadChart().then((m) => ({ default: m.Chart })));

/** `components/Chart`, with the chart card's loading text until chart.js is in. */
export function LazyChart(props: ComponentProps<ChartModule['Chart']>) {
  const { t } = useI18n();
  // Already loaded (the usual case: it loads while the data is fetched): no Suspense. React.lazy would suspend
  // once anyway, and React holds a revealed Suspense boundary back for up to 300 ms (its fallback throttle).
  if (loaded) return <loaded.Chart {...props} />;
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
