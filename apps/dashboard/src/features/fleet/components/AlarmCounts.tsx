/** A site's (or the fleet's) active alarms by severity, with how many are not acknowledged yet. */
import type { SiteAlarmCounts } from '../../alarms/api/alarms-data';
import { countTone } from '../../alarms/api/alarms-data';
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
      {counts.critical ? (
        <span className="sev sev-critical" data-testid="alarms-critical">
          {counts.critical}
          <span className="visually-hidden"> {t('alarms.severity.critical')}</span>
        </span>
      ) : null}
      {counts.warning ? (
        <span className="sev sev-warning" data-testid="alarms-warning">
          {counts.warning}
          <span className="visually-hidden"> {t('alarms.severity.warning')}</span>
        </span>
      ) : null}
      <span className="alarm-unacked small">{t('alarms.count.unacked', { n: counts.unacknowledged })}</span>
    </span>
  );
}
