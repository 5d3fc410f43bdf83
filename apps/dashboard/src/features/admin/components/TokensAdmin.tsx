import { type CreatedIngestToken, type IngestTokenInfo } from '@dcfleet/contracts';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { AdminTable } from './AdminTable';
import { errorText } from './error-text';
import { useI18n } from '../../../i18n/i18n';
import { useFleetQuery } from '../../fleet/hooks/use-fleet-query';
import { createToken, revokeToken, tokensQuery } from '../api/admin-api';
import { Flash } from './Flash';
import { ShownOnce } from './ShownOnce';

/** Admin → Ingest tokens: every site's tokens, create (the secret shown once) and revoke. */
export function TokensAdmin() {
  const { t, fmt } = useI18n();
  const id = useId();
  const fleet = useFleetQuery();
  const queryClient = useQueryClient();
  const q = useQuery(tokensQuery());
  const [site, setSite] = useState('');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedIngestToken | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const codes = useMemo(() => (fleet.data ?? []).map((s) => s.code).sort(), [fleet.data]);
  const selected = site || codes[0] || '';
  const tokens = useMemo(
    () =>
      [...(q.data ?? [])].sort(
        (a, b) => Number(!!a.revokedAt) - Number(!!b.revokedAt) || b.createdAt.localeCompare(a.createdAt),
      ),
    [q.data],
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!selected) return;
    setPending(true);
    setError(null);
    setMessage(null);
    try {
      const token = await createToken(selected, name.trim());
      setCreated(token);
      setName('');
      queryClient.setQueryData(tokensQuery().queryKey, (list) => {
        const { token: _secret, ...info } = token;
        return list ? [info, ...list] : list;
      });
    } catch (err) {
      setError(t('admin.error', { message: errorText(err) }));
    } finally {
      setPending(false);
    }
  }

  async function revoke(token: IngestTokenInfo) {
    if (
      !window.confirm(
        t('admin.token.revokeConfirm', { name: token.name, prefix: token.prefix, site: token.datacenter }),
      )
    )
      return;
    setError(null);
    try {
      const info = await revokeToken(token.id);
      queryClient.setQueryData(tokensQuery().queryKey, (list) =>
        list?.map((x) =>
          x.id === token.id ? { ...x, ...info, revokedAt: info.revokedAt ?? new Date().toISOString() } : x,
        ),
      );
      setMessage(t('admin.token.revoked', { time: fmt.dateTime(info.revokedAt ?? Date.now()) }));
    } catch (err) {
      setError(t('admin.error', { message: errorText(err) }));
    }
  }

  return (
    <section aria-labelledby="tokens-admin-title">
      <h2 id="tokens-admin-title">{t('admin.tokens')}</h2>
      <form className="card inline-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
        <h3 id={`${id}-title`}>{t('admin.token.createTitle')}</h3>
        <div className="field">
          <label htmlFor={`${id}-site`}>{t('admin.token.site')}</label>
          <select id={`${id}-site`} value={selected} onChange={(e) => setSite(e.target.value)}>
            {codes.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('admin.token.name')}</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={100}
            placeholder={t('admin.token.nameHint')}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <button type="submit" disabled={pending || !selected} aria-busy={pending}>
          {t('admin.token.create')}
        </button>
      </form>
      {created ? (
        <ShownOnce
          testId="token-secret"
          title={t('admin.token.secretTitle', { site: created.datacenter })}
          warning={t('admin.token.secretWarn')}
          label={t('admin.token.secretLabel')}
          value={created.token}
          dismissLabel={t('admin.token.dismiss')}
          onDismiss={() => setCreated(null)}
        />
      ) : null}
      <Flash message={message} error={error} />
      <AdminTable
        q={q}
        errorMessage={(message) => t('admin.error', { message })}
        empty={t('admin.token.empty')}
        labelledBy="tokens-admin-title"
      >
        <table className="data" data-testid="admin-tokens">
          <thead>
            <tr>
              <th scope="col">{t('admin.token.col.site')}</th>
              <th scope="col">{t('admin.token.col.name')}</th>
              <th scope="col">{t('admin.token.col.prefix')}</th>
              <th scope="col">{t('admin.token.col.created')}</th>
              <th scope="col">{t('admin.token.col.lastUsed')}</th>
              <th scope="col">{t('admin.token.col.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.token.revoke')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((tk) => (
              <tr key={tk.id} className={tk.revokedAt ? 'row-cleared' : ''} data-token={tk.id}>
                <td className="code">{tk.datacenter}</td>
                <td>{tk.name}</td>
                <td className="mono">{tk.prefix}…</td>
                <td>
                  {fmt.dateTime(tk.createdAt)}
                  {tk.createdBy ? <span className="block small muted">{tk.createdBy}</span> : null}
                </td>
                <td>{tk.lastUsedAt ? fmt.ago(tk.lastUsedAt, Date.now()) : t('time.never')}</td>
                <td>
                  {tk.revokedAt
                    ? t('admin.token.revoked', { time: fmt.dateTime(tk.revokedAt) })
                    : t('admin.token.active')}
                </td>
                <td>
                  {tk.revokedAt ? null : (
                    <button type="button" className="btn-small btn-danger" onClick={() => revoke(tk)}>
                      {t('admin.token.revoke')}
                      <span className="visually-hidden">
                        {' '}
                        {tk.datacenter} {tk.name}
                      </span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </AdminTable>
    </section>
  );
}
