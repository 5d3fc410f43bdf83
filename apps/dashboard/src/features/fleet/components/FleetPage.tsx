import type { Role } from '@dcfleet/contracts';
import { useNavigate } from '../../../routing/router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { alarmsQuery } from '../../alarms/api/alarms-api';
import { countBySite, NO_ALARMS } from '../../alarms/api/alarms-data';
import { useLiveRoom } from '../../../api/live';
import { canSeeAlarms } from '../../../routing/access';
import { fleetScopeLabel, regionNamesOf, type UserScope } from '../../../routing/scope';
import { FiltersDisclosure } from '../../../components/FiltersDisclosure';
import { Empty, ErrorState, Loading, PageHeading, RefreshBar, useNow } from '../../../components/ui';
import { displayValue } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { activeFilterCount } from '../../../lib/filters';
import { distinct, filterSites, FLEET_SORTS, sortSites } from '../api/fleet-data';
import { trendsQuery } from '../api/fleet-api';
import { fleetView, patchFleetSearch, SITE_STATUSES, type FleetSearch } from '../api/fleet-search';
import { useFleetQuery } from '../hooks/use-fleet-query';
import { FleetKpis } from './FleetKpis';
import { FleetMap } from './FleetMap';
import { FleetTable } from './FleetTable';
import { SiteTile } from './SiteTile';

/** Filters, sort and view come from the URL (`#/fleet?status=stale&sort=pue&view=table`): shareable, kept on reload. */
export function FleetPage({ search, role, scope }: { search: FleetSearch; role: Role; scope: UserScope }) {
  const { t, intl, language } = useI18n();
  const q = useFleetQuery();
  useLiveRoom({ scope: 'fleet' });
  const now = useNow(20_000);
  const navigate = useNavigate();
  const { filters, sort, view } = fleetView(search);
  // The tiles' trend lines are asked for alongside the site list, not once its tiles render (a second round trip).
  const queryClient = useQueryClient();
  const tiles = view === 'tiles';
  useEffect(() => {
    if (tiles) void queryClient.prefetchQuery(trendsQuery());
  }, [queryClient, tiles]);
  const set = (patch: Partial<Record<keyof FleetSearch, string>>) =>
    navigate({
      to: '/fleet',
      search: patchFleetSearch(search, patch),
      replace: true,
      resetScroll: false,
    });
  const showAlarms = canSeeAlarms(role);
  const sites = q.data;
  // Severity and acknowledgement per site come from the active alarms list (live `alarm` events keep it current).
  const alarmsQ = useQuery({ ...alarmsQuery('active'), enabled: showAlarms });
  const alarmCounts = useMemo(() => (alarmsQ.data ? countBySite(alarmsQ.data) : undefined), [alarmsQ.data]);

  const shown = useMemo(
    () => (sites ? sortSites(filterSites(sites, filters), sort) : []),
    [sites, filters.region, filters.hub, filters.status, sort],
  );
  const regions = useMemo(() => (sites ? distinct(sites, 'region') : []), [sites]);
  const hubs = useMemo(() => (sites ? distinct(sites, 'hub') : []), [sites]);
  // Filter values stay English (the URL's); their labels follow the language.
  const valueLabel = (kind: 'region' | 'hub', value: string) => {
    const site = sites?.find((x) => x[kind] === value);
    return displayValue(value, kind === 'region' ? site?.regionZh : site?.hubZh, language) ?? value;
  };

  return (
    <section className="page fleet-page" aria-labelledby="fleet-title">
      <div className="page-head">
        <PageHeading id="fleet-title" title={t('fleet.title')}>
          {t('fleet.title')}
        </PageHeading>
        <RefreshBar loading={q.isFetching} updatedAt={q.dataUpdatedAt} onRefresh={() => void q.refetch()} />
      </div>

      {q.error ? (
        <ErrorState
          error={q.error}
          message={t('fleet.loadError', { message: q.error.message })}
          onRetry={() => void q.refetch()}
        />
      ) : null}

      {!sites ? (
        q.isFetching || !q.error ? (
          <Loading>{t('fleet.loading')}</Loading>
        ) : null
      ) : sites.length === 0 ? (
        <Empty>{t('fleet.empty')}</Empty>
      ) : (
        <>
          <div className="fleet-top">
            <div className="fleet-top-main">
              <FleetKpis
                sites={sites}
                showAlarms={showAlarms}
                alarmCounts={alarmCounts}
                scopeLabel={fleetScopeLabel(scope, t, intl, regionNamesOf(sites))}
              />
              <FiltersDisclosure active={activeFilterCount([filters.region, filters.hub, filters.status])}>
                <form
                  className="toolbar"
                  aria-label={t('fleet.filters')}
                  onSubmit={(e) => e.preventDefault()}
                >
                  <label>
                    <span>{t('fleet.filter.region')}</span>
                    <select value={filters.region} onChange={(e) => set({ region: e.target.value })}>
                      <option value="">{t('fleet.filter.all')}</option>
                      {regions.map((r) => (
                        <option key={r} value={r}>
                          {valueLabel('region', r)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    <span>{t('fleet.filter.hub')}</span>
                    <select value={filters.hub} onChange={(e) => set({ hub: e.target.value })}>
                      <option value="">{t('fleet.filter.all')}</option>
                      {hubs.map((h) => (
                        <option key={h} value={h}>
                          {valueLabel('hub', h)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    <span>{t('fleet.filter.status')}</span>
                    <select value={filters.status} onChange={(e) => set({ status: e.target.value })}>
                      <option value="">{t('fleet.filter.all')}</option>
                      {SITE_STATUSES.map((s) => (
                        <option key={s} value={s}>
                          {t(`status.${s}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    <span>{t('fleet.sort')}</span>
                    <select value={sort} onChange={(e) => set({ sort: e.target.value })}>
                      {FLEET_SORTS.filter((s) => showAlarms || s !== 'alarms').map((s) => (
                        <option key={s} value={s}>
                          {t(`fleet.sort.${s}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <div className="segmented" role="group" aria-label={t('fleet.view')}>
                    <button
                      type="button"
                      aria-pressed={view === 'tiles'}
                      onClick={() => set({ view: 'tiles' })}
                    >
                      {t('fleet.view.tiles')}
                    </button>
                    <button
                      type="button"
                      aria-pressed={view === 'table'}
                      onClick={() => set({ view: 'table' })}
                    >
                      {t('fleet.view.table')}
                    </button>
                  </div>
                </form>
              </FiltersDisclosure>
              <p className="muted small showing" role="status" aria-live="polite">
                {t('fleet.showing', { n: shown.length, total: sites.length })}
              </p>
            </div>
            <aside className="fleet-side">
              <FleetMap sites={shown} />
            </aside>
          </div>
          {shown.length === 0 ? (
            <Empty>{t('fleet.noMatch')}</Empty>
          ) : view === 'table' ? (
            <FleetTable sites={shown} now={now} showAlarms={showAlarms} alarmCounts={alarmCounts} />
          ) : (
            <div className="tiles" data-testid="site-tiles">
              {shown.map((site) => (
                <SiteTile
                  key={site.code}
                  site={site}
                  now={now}
                  showAlarms={showAlarms}
                  alarms={alarmCounts ? (alarmCounts.get(site.code) ?? NO_ALARMS) : undefined}
                />
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}
