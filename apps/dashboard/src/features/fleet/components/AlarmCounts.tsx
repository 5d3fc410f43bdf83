/** A site's (or the fleet's) active alarms by severity, with how many are not acknowledged yet. */
import { ALARM_SEVERITIES } from '@dcfleet/contracts';
import { countTone, type SiteAlarmCounts } from '../../alarms/api/alarms-data';
import { useI18n } from '../../../i18n/i18n';

/**
 * With `counts` (from the alarms list) the severities and the unacknowledged number; without (the list is not
 * loaded yet) the snapshot's plain total, uncoloured.
 */
export function AlarmCounts({ counts, total }: { counts: SiteAlarmCounts | undefined; total: number }) {
  const { t } = useI18n();
  if (!counts) return <span data-testid="alarm-total">{total}</span>;
  const tone = countTone(counts);
  if (tone === 'none') return <span data-tone="none">0</span>;
  return (
    <span
      className={`alarm-counts tone-${tone}`}
      data-tone={tone}
      data-unacked={counts.unacknowledged}
      title={t('alarms.count.title', {
        critical: counts.critical,
        warning: counts.warning,
        unacked: counts.unacknowledged,
      })}
    >
      {ALARM_SEVERITIES.filter((sev) => counts[sev] > 0)
        .reverse()
        .map((sev) => (
          <span key={sev} className={`sev sev-${sev}`} data-testid={`alarms-${sev}`}>
            {counts[sev]}
            <span className="visually-hidden"> {t(`alarms.severity.${sev}`)}</span>
          </span>
        ))}
      <span className="alarm-unacked small">{t('alarms.count.unacked', { n: counts.unacknowledged })}</span>
    </span>
  );
}
