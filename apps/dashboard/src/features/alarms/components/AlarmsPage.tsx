import type { AlarmInfo, Role } from '@dcfleet/contracts';
import { Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useModal } from '../../../components/use-modal';
import { useQueryClient } from '@tanstack/react-query';
import { Empty, ErrorState, Loading, PageHeading, RefreshBar, useNow } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import { canSeeAlarms } from '../../../routing/access';
import { acknowledgeAlarm, alarmsQuery } from '../api/alarms-api';
import { alarmView, type AlarmsSearch } from '../api/alarms-search';
import { countActive, upsertAlarm } from '../api/alarms-data';
import { useAlarmsQuery } from '../hooks/use-alarms-query';

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
        <p className="muted">{alarm.message}</p>
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
}: {
  search: AlarmsSearch;
  role: Role;
  username?: string;
}) {
  const { t, fmt } = useI18n();
  const navigate = useNavigate();
  const view = alarmView(search);
  const show = (next: AlarmsSearch) =>
    void navigate({ to: '/alarms', search: next, replace: true, resetScroll: false });
  const q = useAlarmsQuery(view);
  const now = useNow(30_000);
  const [acking, setAcking] = useState<AlarmInfo | null>(null);
  const [announce, setAnnounce] = useState('');
  const known = useRef<Set<number> | null>(null);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const canAck = canSeeAlarms(role);
  const list = q.data;

  // Alarms that arrive live are highlighted and announced to screen readers.
  useEffect(() => {
    if (!list) return;
    const ids = new Set(list.map((a) => a.id));
    if (known.current) {
      const added = list.filter((a) => !known.current!.has(a.id));
      if (added.length) {
        setFresh(new Set(added.map((a) => a.id)));
        const a = added[0]!;
        setAnnounce(t('alarms.newArrived', { site: a.datacenter, message: a.message }));
      }
    }
    known.current = ids;
  }, [list, t]);

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
          <button type="button" aria-pressed={view === 'active'} onClick={() => show({})}>
            {t('alarms.active')}
          </button>
          <button type="button" aria-pressed={view === 'all'} onClick={() => show({ view: 'all' })}>
            {t('alarms.history')}
          </button>
        </div>
        {counts && view === 'active' ? (
          <span className="muted">
            <span className="sev sev-critical">{t('alarms.severity.critical')}</span> {counts.critical}
            {'  '}
            <span className="sev sev-warning">{t('alarms.severity.warning')}</span> {counts.warning}
            {'  · '}
            {t('alarms.unacked')}: {counts.unacknowledged}
          </span>
        ) : null}
      </div>
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
        <Empty>{view === 'active' ? t('alarms.empty.active') : t('alarms.empty.all')}</Empty>
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
                  <td>
                    <span className={`sev sev-${a.severity}`}>{t(`alarms.severity.${a.severity}`)}</span>
                  </td>
                  <td className="code">
                    <Link to="/sites/$code" params={{ code: a.datacenter }}>
                      {a.datacenter}
                    </Link>
                  </td>
                  <td className="wrap">
                    {a.message}
                    <span className="muted small block">{a.rule}</span>
                  </td>
                  <td>
                    <time dateTime={a.raisedAt} title={fmt.dateTime(a.raisedAt)}>
                      {fmt.dateTime(a.raisedAt)}
                    </time>
                    <span className="muted small block">{fmt.ago(a.raisedAt, now)}</span>
                  </td>
                  <td>
                    {a.state === 'active'
                      ? t('alarms.state.active')
                      : t('alarms.state.cleared', { time: fmt.dateTime(a.clearedAt) })}
                  </td>
                  <td className="wrap">
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
                          {a.datacenter} {a.message}
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
