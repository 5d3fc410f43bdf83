import type { AlarmInfo, DataCenterWithSnapshot, Role } from '@dcfleet/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '../../../routing/router';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError } from '../../../api/client';
import { useLiveRoom } from '../../../api/live';
import { ErrorState, Loading, PageHeading, StatusBadge, useNow } from '../../../components/ui';
import { displayName, displayValue, otherName } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { canSeeAlarms } from '../../../routing/access';
import { NO_VALUE } from '../../../lib/format';
import { utilization } from '../../fleet/api/fleet-data';
import { useSiteQuery } from '../../fleet/hooks/use-fleet-query';
import { type BuildContext } from '../api/chart-data';
import { parseRange, resolveWindow, type TimeWindow } from '../api/time-range';
import { zoomSearch } from '../api/chart-export';
import type { LiveSample } from '../api/live-data';
import { seriesQuery, siteAlarmRulesQuery, siteAlarmsQuery } from '../api/site-api';
import { metricsOf, SITE_CHARTS } from '../api/site-charts';
import type { SiteSearch } from '../api/site-search';
import { useLiveSamples, useSeriesQueries } from '../hooks/use-series-query';
import { useSiteThresholds } from '../hooks/use-site-thresholds';
import { ChartPanel } from './ChartPanel';
import { CompareChart } from './CompareChart';
import { preloadChart } from './LazyChart';
import { RangePicker } from './RangePicker';

/** Every series the charts read, each fetched once. */
const SITE_METRICS = metricsOf(SITE_CHARTS);

// chart.js loads while the page asks the API for its data, not before.
preloadChart();

/**
 * Asks for the charts' data as the page opens, alongside the site itself: the charts only render once the site
 * is in, and waiting for it first made their requests a second round trip. Same keys as the charts' queries.
 */
function usePrefetchCharts(code: string, search: SiteSearch, role: Role): void {
  const queryClient = useQueryClient();
  const { range, from, to } = search;
  useEffect(() => {
    const selection = parseRange({ range, from, to });
    const window = resolveWindow(selection, Date.now());
    for (const metric of SITE_METRICS)
      void queryClient.prefetchQuery(seriesQuery(code, metric, selection, window));
    if (canSeeAlarms(role)) {
      void queryClient.prefetchQuery(siteAlarmsQuery(code));
      void queryClient.prefetchQuery(siteAlarmRulesQuery(code));
    }
  }, [queryClient, code, range, from, to, role]);
}

interface Props {
  code: string;
  /** The chart range, from the URL. */
  search: SiteSearch;
  role: Role;
}

function NowPanel({ site, role }: { site: DataCenterWithSnapshot; role: Role }) {
  const { t, fmt } = useI18n();
  const s = site.snapshot;
  const util = utilization(site);
  const showAlarms = canSeeAlarms(role);
  // Outside the recommended band in force at the site (the inlet chart's band), not a fixed 18–27 °C.
  const band = useSiteThresholds(site.code, role).inlet.warning;
  const inletOut =
    s.hottestInletC !== null &&
    band !== undefined &&
    (s.hottestInletC > band.high || s.hottestInletC < band.low);
  return (
    <dl className="kpis now" aria-label={t('site.now')} data-testid="site-now">
      <div>
        <dt>{t('site.now.pue')}</dt>
        <dd data-testid="now-pue">{fmt.pue(s.livePue)}</dd>
      </div>
      <div>
        <dt>{t('site.now.facility')}</dt>
        <dd data-testid="now-facility">
          {fmt.power(s.facilityPowerKw)}
          <span className="exact">{fmt.kw(s.facilityPowerKw)}</span>
        </dd>
      </div>
      <div>
        <dt>{t('site.now.it')}</dt>
        <dd data-testid="now-it">
          {fmt.power(s.itPowerKw)}
          <span className="exact">{fmt.kw(s.itPowerKw)}</span>
        </dd>
      </div>
      <div>
        <dt>{t('site.now.load')}</dt>
        <dd>
          {fmt.percent(util, 0)}
          <span className="exact">{site.itCapacityKw ? `/ ${fmt.power(site.itCapacityKw)}` : ''}</span>
        </dd>
      </div>
      <div>
        <dt>{t('site.now.inlet')}</dt>
        <dd className={inletOut ? 'warn-text' : ''} data-testid="now-inlet">
          {fmt.temperature(s.hottestInletC)}
          <span className="exact">{s.hottestInletZone ?? ''}</span>
        </dd>
      </div>
      {showAlarms ? (
        <div className={s.activeAlarms > 0 ? 'kpi-alert' : ''}>
          <dt>{t('site.now.alarms')}</dt>
          <dd>
            {s.activeAlarms > 0 ? (
              <Link to="/alarms" search={{ site: site.code }} data-testid="site-alarms-link">
                {s.activeAlarms}
              </Link>
            ) : (
              s.activeAlarms
            )}
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

function SiteMeta({ site }: { site: DataCenterWithSnapshot }) {
  const { t, fmt, language } = useI18n();
  const v = (x: string | number | null | undefined) =>
    x === null || x === undefined || x === '' ? NO_VALUE : String(x);
  const cat = site.pueCategory ?? 1;
  return (
    <section className="card meta" aria-labelledby="meta-title">
      <h2 id="meta-title">{t('site.meta')}</h2>
      <dl className="meta-list">
        <dt>{t('site.meta.operator')}</dt>
        <dd>{v(displayValue(site.operator, site.operatorZh, language))}</dd>
        <dt>{t('site.meta.region')}</dt>
        <dd>{v(displayValue(site.region, site.regionZh, language))}</dd>
        <dt>{t('site.meta.hub')}</dt>
        <dd>{v(displayValue(site.hub, site.hubZh, language))}</dd>
        <dt>{t('site.meta.capacity')}</dt>
        <dd>{fmt.power(site.itCapacityKw)}</dd>
        <dt>{t('site.meta.racks')}</dt>
        <dd>{site.racks === null ? NO_VALUE : fmt.number(site.racks)}</dd>
        <dt>{t('site.meta.category')}</dt>
        <dd>{t('site.meta.categoryValue', { n: cat })}</dd>
        <dt>{t('site.meta.certification')}</dt>
        <dd>
          {site.greenCertifiedYear
            ? t('site.meta.certified', { year: site.greenCertifiedYear })
            : t('site.meta.notCertified')}
        </dd>
        <dt>{t('site.meta.emission')}</dt>
        <dd>
          {site.gridEmissionFactor === null
            ? NO_VALUE
            : `${fmt.fixed(site.gridEmissionFactor, 4)} kgCO₂e/kWh`}
        </dd>
        <dt>{t('site.meta.coords')}</dt>
        <dd>
          {site.latitude !== null && site.longitude !== null
            ? `${fmt.fixed(site.latitude, 2)}° N, ${fmt.fixed(site.longitude, 2)}° E`
            : NO_VALUE}
        </dd>
        <dt>{t('site.meta.timezone')}</dt>
        <dd>{site.timezone}</dd>
        <dt>{t('site.meta.commissioned')}</dt>
        <dd>{fmt.date(site.commissionedAt, site.timezone)}</dd>
      </dl>
    </section>
  );
}

const NO_ALARMS: readonly AlarmInfo[] = [];
const NO_SAMPLES: readonly LiveSample[] = [];

function Charts({ code, search, role }: { code: string; search: SiteSearch; role: Role }) {
  const { t, fmt } = useI18n();
  const navigate = useNavigate();
  // Regulators may read neither alarm rules nor alarms: they get the built-in thresholds and no alarm spans.
  const mayReadAlarms = canSeeAlarms(role);
  const thresholds = useSiteThresholds(code, role);
  const alarms = useQuery({ ...siteAlarmsQuery(code), enabled: mayReadAlarms });
  const selection = useMemo(() => parseRange(search), [search]);
  const isLive = selection.range === 'live';
  // The live window slides; other relative windows move when they refetch.
  const tick = useNow(isLive ? 10_000 : 60_000);
  const samples = useLiveSamples(code);
  // Outside the live range the charts ignore live samples: a new one must not rebuild and redraw every chart.
  const liveSamples = isLive ? samples : NO_SAMPLES;
  const lastLive = liveSamples.length ? liveSamples[liveSamples.length - 1]!.t : 0;
  const now = isLive ? Math.max(tick, lastLive) : tick;
  const window: TimeWindow = useMemo(() => resolveWindow(selection, now), [selection, now]);

  const series = useSeriesQueries(code, SITE_METRICS, selection, window);

  // Axis bounds: the window asked for (a fixed window shows exactly that span, gaps included).
  const ctx: BuildContext = useMemo(
    () => ({
      window,
      live: liveSamples,
      labels: {
        facility: t('site.series.facility'),
        it: t('site.series.it'),
        pue: t('site.series.pue'),
        zone: (zone: string) => t('site.series.zone', { zone }),
        water: t('site.series.water'),
        renewable: t('site.series.renewable'),
      },
    }),
    [window, liveSamples, t],
  );

  const rangeLabel =
    selection.range === 'custom'
      ? `${fmt.dateTime(window.from)} – ${fmt.dateTime(window.to)}`
      : t(`site.range.${selection.range}`);
  const go = useCallback(
    (next: SiteSearch) =>
      navigate({
        to: '/sites/$code',
        params: { code },
        search: next,
        replace: true,
        resetScroll: false,
      }),
    [navigate, code],
  );
  // The range before the first drag-to-zoom, which "Reset zoom" restores; picking a range forgets it.
  const [beforeZoom, setBeforeZoom] = useState<SiteSearch | null>(null);
  const onZoom = useCallback(
    (a: number, b: number) => {
      const next = zoomSearch(a, b);
      if (!next) return;
      setBeforeZoom((prev) => prev ?? search);
      go(next);
    },
    [go, search],
  );
  const resetZoom = () => {
    if (beforeZoom) go(beforeZoom);
    setBeforeZoom(null);
  };
  const pick = (next: SiteSearch) => {
    setBeforeZoom(null);
    go(next);
  };

  return (
    <>
      <div className="charts-head">
        <RangePicker key={selection.range} selection={selection} window={window} onChange={pick} />
        {beforeZoom ? (
          <button
            type="button"
            className="btn-secondary btn-small"
            onClick={resetZoom}
            data-testid="reset-zoom"
          >
            {t('site.chart.resetZoom')}
          </button>
        ) : null}
        <p className="muted small">
          {t('site.gapsNote')} {t('site.chart.zoomHint')}
          {mayReadAlarms ? ` ${t('site.chart.alarmsNote')}` : ''}
        </p>
      </div>
      <div className="charts">
        {SITE_CHARTS.map((chart) => (
          <ChartPanel
            key={chart.id}
            chart={chart}
            series={series}
            ctx={ctx}
            rangeLabel={rangeLabel}
            site={code}
            thresholds={thresholds}
            alarms={alarms.data ?? NO_ALARMS}
            onZoom={onZoom}
          />
        ))}
        <CompareChart
          code={code}
          selection={selection}
          window={window}
          rangeLabel={rangeLabel}
          onZoom={onZoom}
        />
      </div>
    </>
  );
}

export function SitePage({ code, search, role }: Props) {
  const { t, fmt, language } = useI18n();
  const q = useSiteQuery(code);
  usePrefetchCharts(code, search, role);
  useLiveRoom({ datacenter: code });
  const now = useNow(20_000);
  const site = q.data;

  if (!site) {
    if (q.error) {
      const notFound = q.error instanceof ApiError && q.error.status === 404;
      return (
        <section className="page" aria-labelledby="site-title">
          <PageHeading id="site-title" title={code}>
            {code}
          </PageHeading>
          {notFound ? (
            <p className="notice" role="alert">
              {t('site.notFound', { code })}
            </p>
          ) : (
            <ErrorState
              error={q.error}
              message={t('site.loadError', { code, message: q.error.message })}
              onRetry={() => void q.refetch()}
            />
          )}
          <p>
            <Link to="/fleet">{t('app.backToFleet')}</Link>
          </p>
        </section>
      );
    }
    return (
      <section className="page">
        <Loading />
      </section>
    );
  }

  const s = site.snapshot;
  return (
    <section className={`page site-page site-${s.status}`} aria-labelledby="site-title" data-code={site.code}>
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/fleet">{t('nav.fleet')}</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{site.code}</span>
      </nav>
      <div className="page-head">
        <div>
          <PageHeading id="site-title" title={`${site.code} · ${displayName(site, language)}`}>
            {displayName(site, language)} <span className="code muted">{site.code}</span>
          </PageHeading>
          {otherName(site, language) ? (
            // The other language's name under the title: a Chinese-speaking colleague's name for the site.
            <p className="site-name-other muted" lang={language === 'zh-CN' ? 'en' : 'zh-CN'}>
              {otherName(site, language)}
            </p>
          ) : null}
          <p className="site-status">
            <StatusBadge status={s.status} />{' '}
            <span className={s.status === 'online' ? 'muted' : 'tile-ago-warn'}>
              {t('time.lastData', { ago: fmt.ago(s.lastSampleAt, now) })}
            </span>
          </p>
        </div>
      </div>
      {q.error ? (
        <ErrorState
          error={q.error}
          message={t('site.loadError', { code, message: q.error.message })}
          onRetry={() => void q.refetch()}
        />
      ) : null}
      <NowPanel site={site} role={role} />
      <div className="site-layout">
        <div className="site-charts">
          <Charts code={code} search={search} role={role} />
        </div>
        <aside className="site-side">
          <SiteMeta site={site} />
        </aside>
      </div>
    </section>
  );
}
