import type { DataCenterWithSnapshot } from '@dcfleet/contracts';
import { Link } from '../../../routing/router';
import { CaptionedTable, StatusBadge } from '../../../components/ui';
import { displayName, displayValue } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { NO_VALUE } from '../../../lib/format';
import { NO_ALARMS, type SiteAlarmCounts } from '../../alarms/api/alarms-data';
import { utilization } from '../api/fleet-data';
import { AlarmCounts } from './AlarmCounts';
import { InletValue } from './InletValue';

export function FleetTable({
  sites,
  now,
  showAlarms,
  alarmCounts,
}: {
  sites: DataCenterWithSnapshot[];
  now: number;
  showAlarms: boolean;
  /** Per-site active alarm counts from the alarms list; undefined until it is loaded. */
  alarmCounts?: Map<string, SiteAlarmCounts>;
}) {
  const { t, fmt, language } = useI18n();
  return (
    <CaptionedTable id="fleet" caption={t('fleet.table.caption')} className="fleet">
      <thead>
        <tr>
          <th scope="col">{t('fleet.table.code')}</th>
          <th scope="col">{t('fleet.table.name')}</th>
          <th scope="col">{t('fleet.table.region')}</th>
          <th scope="col">{t('fleet.filter.status')}</th>
          <th scope="col" className="num">
            {t('fleet.tile.pue')}
          </th>
          <th scope="col" className="num">
            {t('fleet.tile.facility')}
          </th>
          <th scope="col" className="num">
            {t('fleet.tile.it')}
          </th>
          <th scope="col" className="num">
            {t('site.now.load')}
          </th>
          <th scope="col" className="num">
            {t('fleet.tile.inlet')}
          </th>
          {showAlarms ? (
            <th scope="col" className="num">
              {t('fleet.tile.alarms')}
            </th>
          ) : null}
          <th scope="col">{t('fleet.table.lastData')}</th>
        </tr>
      </thead>
      <tbody>
        {sites.map((site) => {
          const s = site.snapshot;
          return (
            <tr key={site.code} data-code={site.code} data-status={s.status} className={`row-${s.status}`}>
              <th scope="row" className="code">
                <Link to="/sites/$code" params={{ code: site.code }}>
                  {site.code}
                </Link>
              </th>
              <td>{displayName(site, language)}</td>
              <td>{displayValue(site.region, site.regionZh, language) ?? NO_VALUE}</td>
              <td>
                <StatusBadge status={s.status} />
              </td>
              <td className="num">{fmt.pue(s.livePue)}</td>
              <td className="num">{fmt.power(s.facilityPowerKw)}</td>
              <td className="num">{fmt.power(s.itPowerKw)}</td>
              <td className="num">{fmt.percent(utilization(site), 0)}</td>
              <td className="num">
                <InletValue snapshot={s} />
              </td>
              {showAlarms ? (
                <td className="num" data-testid="row-alarms">
                  <AlarmCounts
                    counts={alarmCounts ? (alarmCounts.get(site.code) ?? NO_ALARMS) : undefined}
                    total={s.activeAlarms}
                  />
                </td>
              ) : null}
              <td>
                {s.lastSampleAt ? (
                  <time dateTime={s.lastSampleAt} title={fmt.dateTime(s.lastSampleAt)}>
                    {fmt.ago(s.lastSampleAt, now)}
                  </time>
                ) : (
                  fmt.ago(null, now)
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </CaptionedTable>
  );
}
