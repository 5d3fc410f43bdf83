import type { DataCenterWithSnapshot } from '@dcfleet/contracts';
import { Link } from '../../../routing/router';
import { useI18n } from '../../../i18n/i18n';
import { countTone, sumCounts, type SiteAlarmCounts } from '../../alarms/api/alarms-data';
import { fleetKpis } from '../api/fleet-data';
import { AlarmCounts } from './AlarmCounts';

/**
 * The fleet's figures over `sites`, which the API already limited to the user's scope; `scopeLabel` says which
 * sites those are ("Fleet — all sites", "Fleet — Yelang Cloud Works").
 */
export function FleetKpis({
  sites,
  showAlarms,
  scopeLabel,
  alarmCounts,
}: {
  sites: DataCenterWithSnapshot[];
  showAlarms: boolean;
  scopeLabel: string;
  alarmCounts?: Map<string, SiteAlarmCounts>;
}) {
  const { t, fmt } = useI18n();
  const k = fleetKpis(sites);
  const counts = alarmCounts ? sumCounts(sites.map((s) => alarmCounts.get(s.code))) : undefined;
  // Red only for unacknowledged alarms; before the list loads, the snapshot total as before.
  const tone = counts ? countTone(counts) : k.activeAlarms > 0 ? 'critical' : 'none';
  return (
    <>
      <h2 className="kpi-scope" id="fleet-kpis-title" data-testid="fleet-scope">
        {scopeLabel}
      </h2>
      <dl className="kpis" aria-label={t('fleet.kpis', { scope: scopeLabel })} data-testid="fleet-kpis">
        <div>
          <dt>{t('fleet.kpi.pue')}</dt>
          <dd data-testid="kpi-pue">{fmt.pue(k.livePue)}</dd>
          <dd className="kpi-hint">{t('fleet.kpi.pueHint')}</dd>
        </div>
        <div>
          <dt>{t('fleet.kpi.it')}</dt>
          <dd data-testid="kpi-it">{fmt.power(k.itKw)}</dd>
        </div>
        <div>
          <dt>{t('fleet.kpi.facility')}</dt>
          <dd>{fmt.power(k.facilityKw)}</dd>
        </div>
        <div>
          <dt>{t('fleet.kpi.online')}</dt>
          <dd data-testid="kpi-online">{t('fleet.kpi.onlineOf', { n: k.online, total: k.total })}</dd>
        </div>
        {showAlarms ? (
          <div className={tone === 'critical' ? 'kpi-alert' : tone === 'warning' ? 'kpi-warn' : ''}>
            <dt>{t('fleet.kpi.alarms')}</dt>
            <dd data-testid="kpi-alarms">
              {tone === 'none' ? (
                <AlarmCounts counts={counts} total={k.activeAlarms} />
              ) : (
                <Link to="/alarms">
                  <AlarmCounts counts={counts} total={k.activeAlarms} />
                </Link>
              )}
            </dd>
          </div>
        ) : null}
      </dl>
    </>
  );
}
