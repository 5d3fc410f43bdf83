import {
  ROLES,
  type CreatedIngestToken,
  type DataCenter,
  type IngestTokenInfo,
  type Role,
  type UserInfo,
} from '@dcfleet/contracts';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { queryCache, useQuery } from '../../../api/query-cache';
import { canManageAlarmRules, hrefFor } from '../../../app/routes';
import { CopyButton, PageHeading } from '../../../components/ui';
import { AdminTable } from './AdminTable';
import { useI18n } from '../../../i18n/i18n';
import { formatAgo, formatDateTime, formatPower } from '../../../lib/format';
import { FLEET_KEY, siteKey } from '../../fleet/api/fleet-api';
import { useFleetQuery } from '../../fleet/hooks/use-fleet-query';
import {
  createToken,
  createUser,
  fetchTokens,
  fetchUsers,
  revokeToken,
  TOKENS_KEY,
  updateUser,
  USERS_KEY,
} from '../api/admin-api';
import { AlarmRulesAdmin } from './AlarmRulesAdmin';
import { Flash } from './Flash';
import { SiteFormDialog } from './SiteFormDialog';

type Tab = 'sites' | 'tokens' | 'users' | 'alarms';
const TABS: Tab[] = ['sites', 'tokens', 'users', 'alarms'];

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function SitesAdmin() {
  const { t } = useI18n();
  const q = useFleetQuery();
  const [editing, setEditing] = useState<DataCenter | null | 'new'>(null);
  const [message, setMessage] = useState<string | null>(null);
  const sites = useMemo(() => [...(q.data ?? [])].sort((a, b) => a.code.localeCompare(b.code)), [q.data]);

  return (
    <section aria-labelledby="sites-admin-title">
      <div className="section-head">
        <h2 id="sites-admin-title">{t('admin.sites')}</h2>
        <button type="button" onClick={() => setEditing('new')}>
          {t('admin.site.new')}
        </button>
      </div>
      <Flash message={message} error={null} />
      <AdminTable
        q={q}
        errorMessage={(message) => t('fleet.loadError', { message })}
        empty={t('fleet.empty')}
        labelledBy="sites-admin-title"
      >
        <table className="data" data-testid="admin-sites">
          <thead>
            <tr>
              <th scope="col">{t('admin.site.code')}</th>
              <th scope="col">{t('admin.site.name')}</th>
              <th scope="col">{t('admin.site.region')}</th>
              <th scope="col">{t('admin.site.hub')}</th>
              <th scope="col" className="num">
                {t('site.meta.capacity')}
              </th>
              <th scope="col">{t('site.meta.category')}</th>
              <th scope="col">{t('site.meta.certification')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.site.edit')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sites.map((s) => (
              <tr key={s.code} data-code={s.code}>
                <th scope="row" className="code">
                  <a href={hrefFor({ name: 'site', code: s.code })}>{s.code}</a>
                </th>
                <td>{s.name}</td>
                <td>{s.region ?? '—'}</td>
                <td className="small">{s.hub ?? '—'}</td>
                <td className="num">{formatPower(s.itCapacityKw)}</td>
                <td>{s.pueCategory}</td>
                <td>{s.greenCertifiedYear ?? '—'}</td>
                <td>
                  <button type="button" className="btn-small btn-secondary" onClick={() => setEditing(s)}>
                    {t('admin.site.edit')}
                    <span className="visually-hidden"> {s.code}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </AdminTable>
      {editing ? (
        <SiteFormDialog
          site={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            setMessage(
              created
                ? t('admin.site.created', { code: saved.code })
                : t('admin.site.updated', { code: saved.code }),
            );
            queryCache.setData(siteKey(saved.code), () => saved);
            queryCache.invalidate(FLEET_KEY);
          }}
        />
      ) : null}
    </section>
  );
}

function TokensAdmin() {
  const { t, locale } = useI18n();
  const id = useId();
  const fleet = useFleetQuery();
  const q = useQuery(TOKENS_KEY, fetchTokens);
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
      queryCache.setData<IngestTokenInfo[]>(TOKENS_KEY, (list) => {
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
      queryCache.setData<IngestTokenInfo[]>(TOKENS_KEY, (list) =>
        list?.map((x) =>
          x.id === token.id ? { ...x, ...info, revokedAt: info.revokedAt ?? new Date().toISOString() } : x,
        ),
      );
      setMessage(t('admin.token.revoked', { time: formatDateTime(info.revokedAt ?? Date.now(), locale) }));
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
        <div
          className="secret card"
          role="region"
          aria-labelledby={`${id}-secret-title`}
          data-testid="token-secret"
        >
          <h3 id={`${id}-secret-title`}>{t('admin.token.secretTitle', { site: created.datacenter })}</h3>
          <p className="notice">{t('admin.token.secretWarn')}</p>
          <div className="secret-row">
            <label htmlFor={`${id}-secret`} className="visually-hidden">
              {t('admin.token.secretLabel')}
            </label>
            <input
              id={`${id}-secret`}
              readOnly
              value={created.token}
              className="mono"
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={created.token} targetId={`${id}-secret`} />
            <button type="button" className="btn-secondary" onClick={() => setCreated(null)}>
              {t('admin.token.dismiss')}
            </button>
          </div>
        </div>
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
                  {formatDateTime(tk.createdAt, locale)}
                  {tk.createdBy ? <span className="block small muted">{tk.createdBy}</span> : null}
                </td>
                <td>{tk.lastUsedAt ? formatAgo(tk.lastUsedAt, Date.now(), t) : t('time.never')}</td>
                <td>
                  {tk.revokedAt
                    ? t('admin.token.revoked', { time: formatDateTime(tk.revokedAt, locale) })
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

function UsersAdmin({ self }: { self: string }) {
  const { t, locale } = useI18n();
  const id = useId();
  const q = useQuery(USERS_KEY, fetchUsers);
  const [form, setForm] = useState({ username: '', password: '', role: 'operator' as Role });
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const users = useMemo(
    () => [...(q.data ?? [])].sort((a, b) => a.username.localeCompare(b.username)),
    [q.data],
  );

  const replace = (user: UserInfo) =>
    queryCache.setData<UserInfo[]>(USERS_KEY, (list) =>
      list?.map((u) => (u.username === user.username ? user : u)),
    );

  async function submit(e: FormEvent) {
    e.preventDefault();
    setPending(true);
    setError(null);
    setMessage(null);
    try {
      const user = await createUser({
        username: form.username.trim(),
        password: form.password,
        role: form.role,
      });
      queryCache.setData<UserInfo[]>(USERS_KEY, (list) => (list ? [...list, user] : list));
      setMessage(t('admin.user.created', { name: user.username }));
      setForm({ username: '', password: '', role: form.role });
    } catch (err) {
      setError(t('admin.error', { message: errorText(err) }));
    } finally {
      setPending(false);
    }
  }

  async function change(user: UserInfo, patch: { role?: Role; disabled?: boolean }) {
    setError(null);
    setMessage(null);
    try {
      const updated = await updateUser(user.username, patch);
      replace(updated);
      setMessage(t('admin.saved'));
    } catch (err) {
      setError(t('admin.error', { message: errorText(err) }));
    }
  }

  return (
    <section aria-labelledby="users-admin-title">
      <h2 id="users-admin-title">{t('admin.users')}</h2>
      <form className="card inline-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
        <h3 id={`${id}-title`}>{t('admin.user.createTitle')}</h3>
        <div className="field">
          <label htmlFor={`${id}-u`}>{t('admin.user.username')}</label>
          <input
            id={`${id}-u`}
            value={form.username}
            autoComplete="off"
            required
            onChange={(e) => setForm({ ...form, username: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-p`}>{t('admin.user.password')}</label>
          <input
            id={`${id}-p`}
            type="password"
            value={form.password}
            autoComplete="new-password"
            required
            minLength={12}
            aria-describedby={`${id}-p-hint`}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
          <span id={`${id}-p-hint`} className="field-hint">
            {t('admin.user.passwordHint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-r`}>{t('admin.user.role')}</label>
          <select
            id={`${id}-r`}
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <button
          type="submit"
          disabled={pending || !form.username.trim() || form.password.length < 12}
          aria-busy={pending}
        >
          {t('admin.user.create')}
        </button>
      </form>
      <Flash message={message} error={error} />
      <AdminTable
        q={q}
        errorMessage={(message) => t('admin.error', { message })}
        labelledBy="users-admin-title"
      >
        <table className="data" data-testid="admin-users">
          <thead>
            <tr>
              <th scope="col">{t('admin.user.col.username')}</th>
              <th scope="col">{t('admin.user.col.role')}</th>
              <th scope="col">{t('admin.user.col.created')}</th>
              <th scope="col">{t('admin.user.col.state')}</th>
              <th scope="col">{t('admin.user.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const isSelf = u.username === self;
              return (
                <tr key={u.username} className={u.disabled ? 'row-cleared' : ''} data-user={u.username}>
                  <th scope="row">
                    {u.username}
                    {isSelf ? <span className="muted"> ({t('admin.user.self')})</span> : null}
                  </th>
                  <td>
                    <select
                      aria-label={t('admin.user.roleOf', { name: u.username })}
                      value={u.role}
                      disabled={isSelf}
                      onChange={(e) => change(u, { role: e.target.value as Role })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(`role.${r}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{formatDateTime(u.createdAt, locale)}</td>
                  <td>{u.disabled ? t('admin.user.disabled') : t('admin.user.enabled')}</td>
                  <td>
                    {isSelf ? null : (
                      <button
                        type="button"
                        className={`btn-small ${u.disabled ? 'btn-secondary' : 'btn-danger'}`}
                        onClick={() => change(u, { disabled: !u.disabled })}
                      >
                        {u.disabled ? t('admin.user.enable') : t('admin.user.disable')}
                        <span className="visually-hidden"> {u.username}</span>
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

export function AdminPage({
  query,
  username,
  role,
}: {
  query: Record<string, string>;
  username: string;
  role: Role;
}) {
  const { t } = useI18n();
  const tab: Tab = (TABS as string[]).includes(query.tab ?? '') ? (query.tab as Tab) : 'sites';
  return (
    <section className="page" aria-labelledby="admin-title">
      <div className="page-head">
        <PageHeading id="admin-title" title={t('admin.title')}>
          {t('admin.title')}
        </PageHeading>
      </div>
      <nav className="subnav" aria-label={t('admin.tabs')}>
        <ul>
          {TABS.map((name) => (
            <li key={name}>
              <a
                href={hrefFor({ name: 'admin' }, name === 'sites' ? {} : { tab: name })}
                aria-current={tab === name ? 'page' : undefined}
              >
                {t(`admin.${name}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'sites' ? (
        <SitesAdmin />
      ) : tab === 'tokens' ? (
        <TokensAdmin />
      ) : tab === 'alarms' ? (
        <AlarmRulesAdmin canEdit={canManageAlarmRules(role)} />
      ) : (
        <UsersAdmin self={username} />
      )}
    </section>
  );
}
