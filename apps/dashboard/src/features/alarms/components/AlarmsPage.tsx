import { ALARM_RULE_KINDS, ALARM_SEVERITIES, type AlarmInfo, type Role } from '@dcfleet/contracts';
import { Link, useNavigate } from '../../../routing/router';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useModal } from '../../../components/use-modal';
import { useQueryClient } from '@tanstack/react-query';
import { FiltersDisclosure } from '../../../components/FiltersDisclosure';
import { Empty, ErrorState, Loading, PageHeading, RefreshBar, useNow } from '../../../components/ui';
import { displayName } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { activeFilterCount } from '../../../lib/filters';
import { canSeeAlarms } from '../../../routing/access';
import { acknowledgeAlarm, alarmsQuery } from '../api/alarms-api';
import { ALARM_STATE_FILTERS, alarmView, filterAlarms, type AlarmsSearch } from '../api/alarms-search';
import { countActive, upsertAlarm } from '../api/alarms-data';
import { useFleetQuery } from '../../fleet/hooks/use-fleet-query';
import { useAlarmsQuery } from '../hooks/use-alarms-query';
import { useAlarmText } from './alarm-text';
import { AlarmSoundToggle } from './CriticalAlarmNotifier';

/** One filter of the toolbar: a labelled select whose empty value means "all". */
function FilterSelect<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: T | undefined;
  options: readonly { value: T; label: string }[];
  onChange: (value: T | undefined) => void;
  testId: string;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <span className="field-inline">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        data-testid={testId}
        value={value ?? ''}
        onChange={(e) =>
          onChange((options.find((o) => o.value === e.target.value)?.value ?? undefined) as T | undefined)
        }
      >
        <option value="">{t('alarms.filter.any')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

function AckDialog({
  alarm,
  onClose,
  username,
}: {
  alarm: AlarmInfo;
  onClose: () => void;
  username: string;
}) {
  const { t } = useI18n();
  const text = useAlarmText();
  const queryClient = useQueryClient();
  const ref = useModal();
  const noteId = useId();
  const [note, setNote] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const updated = await acknowledgeAlarm(alarm.id, note.trim());
      const next: AlarmInfo = updated ?? {
        ...alarm,
        acknowledgedAt: new Date().toISOString(),
        acknowledgedBy: username,
        note: note.trim() || null,
      };
      for (const view of ['active', 'all'] as const) {
        queryClient.setQueryData(alarmsQuery(view).queryKey, (list) => upsertAlarm(list, next, view));
      }
      onClose();
    } catch (err) {
      setError(t('alarms.ackFailed', { message: err instanceof Error ? err.message : String(err) }));
      setPending(false);
    }
  }

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${noteId}-title`} onCancel={onClose}>
      <form onSubmit={submit} method="dialog">
        <h2 id={`${noteId}-title`}>{t('alarms.ackDialog', { id: alarm.id, site: alarm.datacenter })}</h2>
        <p className="muted">{text.message(alarm)}</p>
        <label htmlFor={noteId}>{t('alarms.ackNote')}</label>
        <textarea
          id={noteId}
          value={note}
          maxLength={1000}
          rows={3}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t('alarms.ackNoteHint')}
          autoFocus
        />
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" disabled={pending} aria-busy={pending}>
            {t('alarms.ackSubmit')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

export function AlarmsPage({
  search,
  role,
  username = '',
  readOnly = false,
}: {
  search: AlarmsSearch;
  role: Role;
  username?: string;
  /** A kiosk (wall display) session: it shows alarms but cannot acknowledge them. */
  readOnly?: boolean;
}) {
  const { t, fmt, language } = useI18n();
  // Site names for the list, from the fleet query the rest of the app shares (usually cached already).
  const fleet = useFleetQuery();
  const siteNames = new Map((fleet.data ?? []).map((s) => [s.code, displayName(s, language)]));
  const navigate = useNavigate();
  const view = alarmView(search);
  const show = (next: AlarmsSearch) =>
    navigate({ to: '/alarms', search: next, replace: true, resetScroll: false });
  const filters: AlarmsSearch = {
    site: search.site,
    severity: search.severity,
    state: search.state,
    rule: search.rule,
  };
  const patch = (next: Partial<AlarmsSearch>) => show({ ...search, ...next });
  const text = useAlarmText();
  const q = useAlarmsQuery(view);
  const now = useNow(30_000);
  const [acking, setAcking] = useState<AlarmInfo | null>(null);
  const [announce, setAnnounce] = useState('');
  const known = useRef<Set<number> | null>(null);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const canAck = canSeeAlarms(role) && !readOnly;
  const all = q.data;
  const list = all ? filterAlarms(all, filters) : undefined;
  const filtered = Object.values(filters).some(Boolean);
  const sites = all
    ? [...new Set([...all.map((a) => a.datacenter), ...(search.site ? [search.site] : [])])].sort()
    : [];

  // Alarms that arrive live are highlighted and announced to screen readers.
  useEffect(() => {
    if (!list) return;
    const ids = new Set(list.map((a) => a.id));
    if (known.current) {
      const added = list.filter((a) => !known.current!.has(a.id));
      if (added.length) {
        setFresh(new Set(added.map((a) => a.id)));
        const a = added[0]!;
        setAnnounce(t('alarms.newArrived', { site: a.datacenter, message: text.message(a) }));
      }
    }
    known.current = ids;
  }, [list, t, text]);

  const counts = list ? countActive(list) : null;

  return (
    <section className="page" aria-labelledby="alarms-title">
      <div className="page-head">
        <PageHeading id="alarms-title" title={t('alarms.title')}>
          {t('alarms.title')}
        </PageHeading>
        <RefreshBar loading={q.isFetching} updatedAt={q.dataUpdatedAt} onRefresh={() => void q.refetch()} />
      </div>
      <div className="toolbar">
        <div className="segmented" role="group" aria-label={t('alarms.title')}>
          <button type="button" aria-pressed={view === 'active'} onClick={() => show(filters)}>
            {t('alarms.active')}
          </button>
          <button
            type="button"
            aria-pressed={view === 'all'}
            onClick={() => show({ ...filters, view: 'all' })}
          >
            {t('alarms.history')}
          </button>
        </div>
        {counts && view === 'active' ? (
          <span className="muted" data-testid="alarm-counts">
            {/* A zero count is neutral: red only when there is something to look at. */}
            <span className={counts.critical ? 'sev sev-critical' : 'sev sev-none'}>
              {t('alarms.severity.critical')}
            </span>{' '}
            <span data-testid="count-critical">{counts.critical}</span>
            {'  '}
            <span className={counts.warning ? 'sev sev-warning' : 'sev sev-none'}>
              {t('alarms.severity.warning')}
            </span>{' '}
            {counts.warning}
            {'  · '}
            {t('alarms.unacked')}: <span data-testid="count-unacked">{counts.unacknowledged}</span>
          </span>
        ) : null}
        <AlarmSoundToggle />
      </div>
      <FiltersDisclosure active={activeFilterCount(Object.values(filters))}>
        <div className="toolbar filters" role="group" aria-label={t('alarms.filters')}>
          <FilterSelect
            label={t('alarms.filter.site')}
            testId="filter-site"
            value={search.site}
            // The code and, where the fleet list has it, the site's name in the language shown.
            options={sites.map((c) => ({
              value: c,
              label: siteNames.has(c) ? `${c} · ${siteNames.get(c)}` : c,
            }))}
            onChange={(site) => patch({ site })}
          />
          <FilterSelect
            label={t('alarms.filter.severity')}
            testId="filter-severity"
            value={search.severity}
            options={ALARM_SEVERITIES.map((v) => ({ value: v, label: t(`alarms.severity.${v}`) }))}
            onChange={(severity) => patch({ severity })}
          />
          <FilterSelect
            label={t('alarms.filter.state')}
            testId="filter-state"
            value={search.state}
            options={ALARM_STATE_FILTERS.filter((v) => view === 'all' || v !== 'cleared').map((v) => ({
              value: v,
              label: t(`alarms.filter.${v}`),
            }))}
            onChange={(state) => patch({ state })}
          />
          <FilterSelect
            label={t('alarms.filter.rule')}
            testId="filter-rule"
            value={search.rule}
            options={ALARM_RULE_KINDS.map((v) => ({ value: v, label: text.rule(v) }))}
            onChange={(rule) => patch({ rule })}
          />
          {filtered ? (
            <>
              <span className="muted" data-testid="filter-shown">
                {t('alarms.filter.shown', { shown: list?.length ?? 0, total: all?.length ?? 0 })}
              </span>
              <button
                type="button"
                className="btn-secondary btn-small"
                onClick={() => show({ view: search.view })}
              >
                {t('alarms.filter.clear')}
              </button>
            </>
          ) : null}
        </div>
      </FiltersDisclosure>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </p>
      {q.error ? (
        <ErrorState
          error={q.error}
          message={t('alarms.loadError', { message: q.error.message })}
          onRetry={() => void q.refetch()}
        />
      ) : null}
      {!list ? (
        q.error ? null : (
          <Loading />
        )
      ) : list.length === 0 ? (
        <Empty>
          {filtered
            ? t('alarms.filter.none')
            : view === 'active'
              ? t('alarms.empty.active')
              : t('alarms.empty.all')}
        </Empty>
      ) : (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('alarms.title')}>
          <table className="data alarms">
            <thead>
              <tr>
                <th scope="col">{t('alarms.col.severity')}</th>
                <th scope="col">{t('alarms.col.site')}</th>
                <th scope="col">{t('alarms.col.message')}</th>
                <th scope="col">{t('alarms.col.raised')}</th>
                <th scope="col">{t('alarms.col.state')}</th>
                <th scope="col">{t('alarms.col.ack')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr
                  key={a.id}
                  data-alarm={a.id}
                  className={`${fresh.has(a.id) ? 'row-new' : ''} ${a.state === 'cleared' ? 'row-cleared' : ''}`}
                >
                  <td className="col-sev">
                    <span className={`sev sev-${a.severity}`}>{t(`alarms.severity.${a.severity}`)}</span>
                  </td>
                  <td className="code col-site">
                    <Link to="/sites/$code" params={{ code: a.datacenter }}>
                      {a.datacenter}
                    </Link>
                    {siteNames.has(a.datacenter) ? (
                      <span className="block small muted site-name">{siteNames.get(a.datacenter)}</span>
                    ) : null}
                  </td>
                  <td className="wrap col-message">
                    {text.message(a)}
                    <span className="muted small block" data-rule={a.rule}>
                      {text.rule(a.rule)}
                    </span>
                  </td>
                  <td className="col-raised">
                    <time dateTime={a.raisedAt} title={fmt.dateTime(a.raisedAt)}>
                      {fmt.dateTime(a.raisedAt)}
                    </time>
                    <span className="muted small block">{fmt.ago(a.raisedAt, now)}</span>
                  </td>
                  <td className="col-state">
                    {a.state === 'active'
                      ? t('alarms.state.active')
                      : t('alarms.state.cleared', { time: fmt.dateTime(a.clearedAt) })}
                  </td>
                  <td
                    className="wrap col-ack"
                    // On a phone's card there is no column header: the acknowledgement gets its label.
                    data-label={a.acknowledgedAt ? t('alarms.col.ack') : undefined}
                  >
                    {a.acknowledgedAt ? (
                      <>
                        {t('alarms.ackBy', {
                          user: a.acknowledgedBy ?? '?',
                          time: fmt.dateTime(a.acknowledgedAt),
                        })}
                        {a.note ? <span className="block note">“{a.note}”</span> : null}
                      </>
                    ) : canAck && a.state === 'active' ? (
                      <button type="button" className="btn-small" onClick={() => setAcking(a)}>
                        {t('alarms.ack')}
                        <span className="visually-hidden">
                          {' '}
                          {a.datacenter} {text.message(a)}
                        </span>
                      </button>
                    ) : (
                      <span className="muted">{t('alarms.unacked')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {acking ? <AckDialog alarm={acking} username={username} onClose={() => setAcking(null)} /> : null}
    </section>
  );
}
