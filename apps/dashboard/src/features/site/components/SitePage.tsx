import type { DataCenterWithSnapshot, Role } from '@dcfleet/contracts';
import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { ApiError } from '../../../api/client';
import { useLiveRoom } from '../../../api/live';
import { COLORS, type Band } from '../../../components/chart-options';
import { ErrorState, Loading, PageHeading, StatusBadge, useNow } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import { canSeeAlarms } from '../../../routing/access';
import { NO_VALUE } from '../../../lib/format';
import { utilization } from '../../fleet/api/fleet-data';
import { useSiteQuery } from '../../fleet/hooks/use-fleet-query';
import {
  parseRange,
  powerLines,
  pueLines,
  renewableLines,
  resolveWindow,
  waterLines,
  zoneLines,
  type BuildContext,
  type TimeWindow,
} from '../api/chart-data';
import type { SiteSearch } from '../api/site-search';
import { useLiveSamples, useSeriesQuery } from '../hooks/use-series-query';
import { ChartPanel } from './ChartPanel';
import { RangePicker } from './RangePicker';

interface Props {
  code: string;
  /** The chart range, from the URL. */
  search: SiteSearch;
  role: Role;
}

function NowPanel({ site, showAlarms }: { site: DataCenterWithSnapshot; showAlarms: boolean }) {
  const { t, fmt } = useI18n();
  const s = site.snapshot;
  const util = utilization(site);
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
        <dd
          className={
            s.hottestInletC !== null && (s.hottestInletC > 27 || s.hottestInletC < 18) ? 'warn-text' : ''
          }
        >
          {fmt.temperature(s.hottestInletC)}
          <span className="exact">{s.hottestInletZone ?? ''}</span>
        </dd>
      </div>
      {showAlarms ? (
        <div className={s.activeAlarms > 0 ? 'kpi-alert' : ''}>
          <dt>{t('site.now.alarms')}</dt>
          <dd>{s.activeAlarms > 0 ? <Link to="/alarms">{s.activeAlarms}</Link> : s.activeAlarms}</dd>
        </div>
      ) : null}
    </dl>
  );
}

function SiteMeta({ site }: { site: DataCenterWithSnapshot }) {
  const { t, fmt } = useI18n();
  const v = (x: string | number | null | undefined) =>
    x === null || x === undefined || x === '' ? NO_VALUE : String(x);
  const cat = site.pueCategory ?? 1;
  return (
    <section className="card meta" aria-labelledby="meta-title">
      <h2 id="meta-title">{t('site.meta')}</h2>
      <dl className="meta-list">
        <dt>{t('site.meta.operator')}</dt>
        <dd>{v(site.operator)}</dd>
        <dt>{t('site.meta.region')}</dt>
        <dd>{v(site.region)}</dd>
        <dt>{t('site.meta.hub')}</dt>
        <dd>{v(site.hub)}</dd>
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

function Charts({ code, search }: { code: string; search: SiteSearch }) {
  const { t, fmt } = useI18n();
  const navigate = useNavigate();
  const selection = useMemo(() => parseRange(search), [search]);
  const isLive = selection.range === 'live';
  // The live window slides; other relative windows move when they refetch.
  const tick = useNow(isLive ? 10_000 : 60_000);
  const liveSamples = useLiveSamples(code);
  const lastLive = liveSamples.length ? liveSamples[liveSamples.length - 1]!.t : 0;
  const now = isLive ? Math.max(tick, lastLive) : tick;
  const window: TimeWindow = useMemo(() => resolveWindow(selection, now), [selection, now]);

  const facility = useSeriesQuery(code, 'facility_power_kw', selection, window);
  const it = useSeriesQuery(code, 'it_power_kw', selection, window);
  const inlet = useSeriesQuery(code, 'inlet_temp_c', selection, window);
  const humidity = useSeriesQuery(code, 'relative_humidity_pct', selection, window);
  const water = useSeriesQuery(code, 'water_m3', selection, window);
  const renewable = useSeriesQuery(code, 'renewable_energy_kwh', selection, window);
  const facilityEnergy = useSeriesQuery(code, 'facility_energy_kwh', selection, window);

  // Axis bounds: the window asked for (a fixed window shows exactly that span, gaps included).
  const ctx: BuildContext = useMemo(
    () => ({
      window,
      live: isLive ? liveSamples : [],
      labels: {
        facility: t('site.series.facility'),
        it: t('site.series.it'),
        pue: t('site.series.pue'),
        zone: (zone: string) => t('site.series.zone', { zone }),
        water: t('site.series.water'),
        renewable: t('site.series.renewable'),
      },
    }),
    [window, isLive, liveSamples, t],
  );

  const power = useMemo(() => powerLines(facility.data, it.data, ctx), [facility.data, it.data, ctx]);
  const pue = useMemo(() => pueLines(facility.data, it.data, ctx), [facility.data, it.data, ctx]);
  const inletLines = useMemo(() => zoneLines(inlet.data, 'inlet_temp_c', ctx), [inlet.data, ctx]);
  const humidityLines = useMemo(
    () => zoneLines(humidity.data, 'relative_humidity_pct', ctx),
    [humidity.data, ctx],
  );
  const waterData = useMemo(() => waterLines(water.data, ctx), [water.data, ctx]);
  const renewableData = useMemo(
    () => renewableLines(renewable.data, facilityEnergy.data, ctx),
    [renewable.data, facilityEnergy.data, ctx],
  );
  const ashrae: Band[] = useMemo(
    () => [{ from: 18, to: 27, color: COLORS.band, label: t('site.chart.inletBand') }],
    [t],
  );

  const rangeLabel =
    selection.range === 'custom'
      ? `${fmt.dateTime(window.from)} – ${fmt.dateTime(window.to)}`
      : t(`site.range.${selection.range}`);
  const common = { window, rangeLabel };
  const go = (next: SiteSearch) =>
    void navigate({
      to: '/sites/$code',
      params: { code },
      search: next,
      replace: true,
      resetScroll: false,
    });

  return (
    <>
      <div className="charts-head">
        <RangePicker key={selection.range} selection={selection} window={window} onChange={go} />
        <p className="muted small">{t('site.gapsNote')}</p>
      </div>
      <div className="charts">
        <ChartPanel
          id="power"
          title={t('site.chart.power')}
          lines={power}
          yTitle={t('site.axis.power')}
          unit="MW"
          digits={2}
          beginAtZero
          loading={facility.isFetching || it.isFetching}
          error={facility.error ?? it.error}
          onRetry={() => {
            void facility.refetch();
            void it.refetch();
          }}
          {...common}
        />
        <ChartPanel
          id="pue"
          title={t('site.chart.pue')}
          lines={pue}
          yTitle={t('site.axis.pue')}
          unit=""
          digits={3}
          suggestedMin={1}
          suggestedMax={1.6}
          loading={facility.isFetching || it.isFetching}
          error={facility.error ?? it.error}
          onRetry={() => {
            void facility.refetch();
            void it.refetch();
          }}
          {...common}
        />
        <ChartPanel
          id="inlet"
          title={t('site.chart.inlet')}
          lines={inletLines}
          yTitle={t('site.axis.temp')}
          unit="°C"
          digits={1}
          suggestedMin={15}
          suggestedMax={30}
          bands={ashrae}
          loading={inlet.isFetching}
          error={inlet.error}
          onRetry={() => void inlet.refetch()}
          {...common}
        />
        <ChartPanel
          id="humidity"
          title={t('site.chart.humidity')}
          lines={humidityLines}
          yTitle={t('site.axis.humidity')}
          unit="%"
          digits={1}
          suggestedMin={20}
          suggestedMax={80}
          loading={humidity.isFetching}
          error={humidity.error}
          onRetry={() => void humidity.refetch()}
          {...common}
        />
        <ChartPanel
          id="water"
          title={t('site.chart.water')}
          lines={waterData}
          yTitle={t('site.axis.water', { step: t(`site.step.${window.step}`) })}
          unit="m³"
          digits={2}
          beginAtZero
          loading={water.isFetching}
          error={water.error}
          onRetry={() => void water.refetch()}
          {...common}
        />
        <ChartPanel
          id="renewable"
          title={t('site.chart.renewable')}
          lines={renewableData}
          yTitle={t('site.axis.share')}
          unit="%"
          digits={1}
          beginAtZero
          suggestedMax={100}
          loading={renewable.isFetching || facilityEnergy.isFetching}
          error={renewable.error ?? facilityEnergy.error}
          onRetry={() => {
            void renewable.refetch();
            void facilityEnergy.refetch();
          }}
          {...common}
        />
      </div>
    </>
  );
}

export function SitePage({ code, search, role }: Props) {
  const { t, fmt } = useI18n();
  const q = useSiteQuery(code);
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
          <PageHeading id="site-title" title={`${site.code} · ${site.name}`}>
            {site.name} <span className="code muted">{site.code}</span>
          </PageHeading>
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
      <NowPanel site={site} showAlarms={canSeeAlarms(role)} />
      <div className="site-layout">
        <div className="site-charts">
          <Charts code={code} search={search} />
        </div>
        <aside className="site-side">
          <SiteMeta site={site} />
        </aside>
      </div>
    </section>
  );
}
