/** Admin → Wall displays: issue a kiosk link (shown once), list the displays, revoke one. */
import type { CreatedKioskSession, KioskSessionInfo } from '@dcfleet/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18n';
import { AdminTable } from '../admin/components/AdminTable';
import { errorText } from '../admin/components/error-text';
import { Flash } from '../admin/components/Flash';
import { ShownOnce } from '../admin/components/ShownOnce';
import { createKioskSession, kioskSessionsQuery, revokeKioskSession } from './kiosk-api';
import { parseKiosk } from './kiosk-mode';

/** The link a display opens: the app's address, kiosk mode, the chosen views and the token (taken out on arrival). */
export function kioskLink(origin: string, token: string, rotate: string, every: number): string {
  const config = parseKiosk({ kiosk: '1', rotate, every: String(every) })!;
  const params = new URLSearchParams({ kiosk: '1' });
  if (config.views.length) {
    params.set('rotate', rotate.replace(/\s+/g, ''));
    params.set('every', String(config.every));
  }
  params.set('key', token);
  const first = config.views[0];
  const path = !first ? '/fleet' : first.page === 'site' ? `/sites/${first.code}` : `/${first.page}`;
  return `${origin}/#${path}?${params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':')}`;
}

export function KioskSessionsAdmin() {
  const { t, fmt } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const q = useQuery(kioskSessionsQuery());
  const [name, setName] = useState('');
  const [ttlDays, setTtlDays] = useState('90');
  const [rotate, setRotate] = useState('');
  const [every, setEvery] = useState('60');
  const [created, setCreated] = useState<{ info: CreatedKioskSession; link: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    setMessage(null);
    try {
      const info = await createKioskSession({ name: name.trim(), ttlDays: Number(ttlDays) });
      const origin = window.location.origin + window.location.pathname.replace(/\/$/, '');
      setCreated({ info, link: kioskLink(origin, info.token, rotate, Number(every)) });
      setName('');
      await queryClient.invalidateQueries({ queryKey: kioskSessionsQuery().queryKey });
    } catch (err) {
      setError(t('admin.error', { message: errorText(err) }));
    } finally {
      setPending(false);
    }
  }

  async function revoke(k: KioskSessionInfo) {
    if (!window.confirm(t('kiosk.revokeConfirm', { name: k.name }))) return;
    setError(null);
    try {
      const info = await revokeKioskSession(k.id);
      queryClient.setQueryData(kioskSessionsQuery().queryKey, (list) =>
        list?.map((x) => (x.id === k.id ? info : x)),
      );
      setMessage(t('kiosk.revoked', { name: k.name }));
    } catch (err) {
      setError(t('admin.error', { message: errorText(err) }));
    }
  }

  const now = Date.now();
  return (
    <section aria-labelledby="kiosk-admin-title">
      <h2 id="kiosk-admin-title">{t('admin.kiosks')}</h2>
      <p className="muted">{t('kiosk.intro')}</p>
      <form className="card inline-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
        <h3 id={`${id}-title`}>{t('kiosk.createTitle')}</h3>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('kiosk.name')}</label>
          <input
            id={`${id}-name`}
            value={name}
            required
            maxLength={64}
            placeholder={t('kiosk.nameHint')}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-ttl`}>{t('kiosk.ttl')}</label>
          <input
            id={`${id}-ttl`}
            type="number"
            min={1}
            max={365}
            required
            value={ttlDays}
            onChange={(e) => setTtlDays(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-rotate`}>{t('kiosk.rotate')}</label>
          <input
            id={`${id}-rotate`}
            value={rotate}
            placeholder="fleet,alarms"
            aria-describedby={`${id}-rotate-hint`}
            onChange={(e) => setRotate(e.target.value)}
          />
          <span id={`${id}-rotate-hint`} className="small muted">
            {t('kiosk.rotateHint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-every`}>{t('kiosk.every')}</label>
          <input
            id={`${id}-every`}
            type="number"
            min={10}
            max={3600}
            value={every}
            onChange={(e) => setEvery(e.target.value)}
          />
        </div>
        <button type="submit" disabled={pending || !name.trim()} aria-busy={pending}>
          {t('kiosk.create')}
        </button>
      </form>
      {created ? (
        <ShownOnce
          testId="kiosk-link"
          title={t('kiosk.linkTitle', { name: created.info.name })}
          warning={t('kiosk.linkWarn')}
          label={t('kiosk.linkLabel')}
          value={created.link}
          dismissLabel={t('kiosk.dismiss')}
          onDismiss={() => setCreated(null)}
        />
      ) : null}
      <Flash message={message} error={error} />
      <AdminTable
        q={q}
        errorMessage={(m) => t('admin.error', { message: m })}
        empty={t('kiosk.empty')}
        labelledBy="kiosk-admin-title"
      >
        <table className="data" data-testid="admin-kiosks">
          <thead>
            <tr>
              <th scope="col">{t('kiosk.col.name')}</th>
              <th scope="col">{t('kiosk.col.createdBy')}</th>
              <th scope="col">{t('kiosk.col.created')}</th>
              <th scope="col">{t('kiosk.col.expires')}</th>
              <th scope="col">{t('kiosk.col.lastSeen')}</th>
              <th scope="col">{t('kiosk.col.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('kiosk.revoke')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(q.data ?? []).map((k) => {
              const expired = Date.parse(k.expiresAt) <= now;
              return (
                <tr key={k.id} className={k.revokedAt || expired ? 'row-cleared' : ''} data-kiosk={k.id}>
                  <td>{k.name}</td>
                  <td>{k.createdBy}</td>
                  <td>{fmt.dateTime(k.createdAt)}</td>
                  <td>{fmt.dateTime(k.expiresAt)}</td>
                  <td>{k.lastSeenAt ? fmt.ago(k.lastSeenAt, now) : t('kiosk.never')}</td>
                  <td>
                    {k.revokedAt
                      ? t('kiosk.revokedState')
                      : expired
                        ? t('kiosk.expiredState')
                        : t('kiosk.active')}
                  </td>
                  <td>
                    {k.revokedAt || expired ? null : (
                      <button type="button" className="btn-small btn-danger" onClick={() => revoke(k)}>
                        {t('kiosk.revoke')}
                        <span className="visually-hidden"> {k.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </AdminTable>
    </section>
  );
}
