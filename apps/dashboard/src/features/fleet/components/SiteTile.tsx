import type { DataCenterWithSnapshot } from '@dcfleet/contracts';
import { Link } from '../../../routing/router';
import { memo } from 'react';
import { StatusBadge } from '../../../components/ui';
import { displayName, displayValue } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { countTone, type SiteAlarmCounts } from '../../alarms/api/alarms-data';
import { trendStats, utilization } from '../api/fleet-data';
import { AlarmCounts } from './AlarmCounts';
import { InletValue } from './InletValue';
import { useTrendQuery } from '../hooks/use-fleet-query';
import { Sparkline } from './Sparkline';

interface Props {
  site: DataCenterWithSnapshot;
  now: number;
  showAlarms: boolean;
  /** This site's active alarms from the alarms list; undefined until it is loaded (the snapshot's total shows). */
  alarms?: SiteAlarmCounts;
}

/** Memoised: a fleet:update re-renders only the tiles whose snapshot changed. */
export const SiteTile = memo(function SiteTile({ site, now, showAlarms, alarms }: Props) {
  const { t, fmt, language } = useI18n();
  const s = site.snapshot;
  const trend = useTrendQuery(site.code);
  const util = utilization(site);
  const stats = trendStats(trend.data ?? []);
  const trendLabel = stats
    ? t('fleet.tile.trendLabel', {
        last: fmt.power(stats.last),
        min: fmt.power(stats.min),
        max: fmt.power(stats.max),
      })
    : t('fleet.tile.trendNone');
  const ago = fmt.ago(s.lastSampleAt, now);
  // Red only while an alarm waits for someone: acknowledged ones no longer shout.
  const tone = alarms ? countTone(alarms) : s.activeAlarms > 0 ? 'critical' : 'none';
  const alarmClass = showAlarms && (tone === 'critical' || tone === 'warning') ? 'has-alarms' : '';

  return (
    <article
      className={`tile tile-${s.status} ${alarmClass}`}
      data-code={site.code}
      data-status={s.status}
      data-testid="site-tile"
      aria-labelledby={`tile-${site.code}`}
    >
      <header className="tile-head">
        <span className="tile-id">
          <span className="code">{site.code}</span>
          {site.greenCertifiedYear ? (
            <span className="green-tag" title={t('fleet.tile.green', { year: site.greenCertifiedYear })}>
              <svg aria-hidden="true" width="12" height="12" viewBox="0 0 16 16">
                <path
                  d="M14 2C7 2 2.5 5.5 2.5 10.5c0 1 .2 2 .6 2.9C4.8 9.6 8 7.2 11 6c-2.7 1.7-5.3 4.3-6.9 8 1 .5 2 .7 3 .7C12 14.7 14 9 14 2z"
                  fill="currentColor"
                />
              </svg>
              <span className="visually-hidden">
                {t('fleet.tile.green', { year: site.greenCertifiedYear })}
              </span>
            </span>
          ) : null}
        </span>
        <StatusBadge status={s.status} />
      </header>
      <h2 className="tile-name" id={`tile-${site.code}`}>
        <Link to="/sites/$code" params={{ code: site.code }} className="stretched">
          {displayName(site, language)}
        </Link>
      </h2>
      <p className="tile-sub muted">
        {[displayValue(site.region, site.regionZh, language), displayValue(site.hub, site.hubZh, language)]
          .filter(Boolean)
          .join(' · ') || '\u00a0'}
      </p>
      <dl className="tile-figures">
        <div>
          <dt>{t('fleet.tile.pue')}</dt>
          <dd className="big" data-testid="tile-pue">
            {fmt.pue(s.livePue)}
          </dd>
        </div>
        <div>
          <dt>{t('fleet.tile.it')}</dt>
          <dd className="big" data-testid="tile-it">
            {fmt.power(s.itPowerKw)}
          </dd>
        </div>
        <div>
          <dt>{t('fleet.tile.facility')}</dt>
          <dd className="big">{fmt.power(s.facilityPowerKw)}</dd>
        </div>
      </dl>
      <div className="tile-load">
        <div className="tile-load-label">
          <span>{t('fleet.tile.load')}</span>
          <span>
            {site.itCapacityKw
              ? t('fleet.tile.loadOf', {
                  pct: fmt.percent(util, 0),
                  capacity: fmt.power(site.itCapacityKw),
                })
              : t('fleet.tile.noCapacity')}
          </span>
        </div>
        <div className="bar" aria-hidden="true">
          <span
            className={util !== null && util > 0.9 ? 'bar-fill bar-high' : 'bar-fill'}
            style={{ width: `${Math.min(100, (util ?? 0) * 100)}%` }}
          />
        </div>
      </div>
      <dl className="tile-row">
        <div>
          <dt>{t('fleet.tile.inlet')}</dt>
          <dd>
            <InletValue snapshot={s} />
          </dd>
        </div>
        {showAlarms ? (
          <div>
            <dt>{t('fleet.tile.alarms')}</dt>
            <dd data-testid="tile-alarms">
              <AlarmCounts counts={alarms} total={s.activeAlarms} />
            </dd>
          </div>
        ) : null}
      </dl>
      <div className="tile-trend">
        <Sparkline points={trend.data ?? []} label={trendLabel} />
        <div className="tile-foot">
          <span className="muted" aria-hidden="true">
            {t('fleet.tile.trend')}
          </span>
          <span className={s.status !== 'online' ? 'tile-ago-warn' : 'muted'}>
            {s.lastSampleAt ? (
              <time dateTime={s.lastSampleAt} title={fmt.dateTime(s.lastSampleAt)}>
                {t('time.lastData', { ago })}
              </time>
            ) : (
              t('time.lastData', { ago })
            )}
          </span>
        </div>
      </div>
    </article>
  );
});
