import { NAME_ZH_MAX, type OrganizationInfo } from '@dcfleet/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { displayName, otherName } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { fleetQuery } from '../../fleet/api/fleet-api';
import {
  createOrganization,
  deleteOrganization,
  moveSite,
  organizationsQuery,
  updateOrganization,
  usersQuery,
} from '../api/admin-api';
import {
  canDeleteOrganization,
  organizationFormToBody,
  ownerBySite,
  sortOrganizations,
  type OrganizationForm,
  type OrganizationFormErrors,
} from '../api/organizations';
import { AdminTable } from './AdminTable';
import { errorText } from './error-text';
import { Flash } from './Flash';
import { OrganizationOptions } from './PlacementFields';

/**
 * Admin → Organisations (hub admins): the operator companies with the sites each owns and their number of
 * users; create one, delete an empty one (the API says why not, 409), move a site to another owner (audited).
 */
export function OrganizationsAdmin() {
  const { t, fmt, language } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const q = useQuery(organizationsQuery());
  const [form, setForm] = useState<OrganizationForm>({ code: '', name: '', nameZh: '' });
  /** Chinese names being edited in the list, by organisation code. */
  const [zhDrafts, setZhDrafts] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<OrganizationFormErrors>({});
  const [move, setMove] = useState({ site: '', to: '' });
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const orgs = useMemo(() => sortOrganizations(q.data ?? []), [q.data]);
  const owners = useMemo(() => ownerBySite(orgs), [orgs]);
  const sites = useMemo(() => [...owners.keys()].sort(), [owners]);
  const site = move.site || sites[0] || '';
  const from = owners.get(site);
  const to = orgs.find((o) => o.code === move.to) ?? orgs.find((o) => o.code !== from?.code);

  /** Runs an action with the page's pending, status and error line. */
  async function act(action: () => Promise<string>) {
    setPending(true);
    setError(null);
    setMessage(null);
    try {
      setMessage(await action());
    } catch (err) {
      setError(t('admin.error', { message: errorText(err) }));
    } finally {
      setPending(false);
    }
  }

  function create(e: FormEvent) {
    e.preventDefault();
    const { body, errors: errs } = organizationFormToBody(form);
    setErrors(errs);
    const first = Object.keys(errs)[0];
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    void act(async () => {
      const org = await createOrganization(body);
      queryClient.setQueryData(organizationsQuery().queryKey, (list) => (list ? [...list, org] : list));
      setForm({ code: '', name: '', nameZh: '' });
      return t('admin.org.created', { code: org.code });
    });
  }

  function saveNameZh(e: FormEvent, org: OrganizationInfo) {
    e.preventDefault();
    const value = (zhDrafts[org.code] ?? org.nameZh ?? '').trim();
    void act(async () => {
      const saved = await updateOrganization(org.code, { nameZh: value || null });
      queryClient.setQueryData(organizationsQuery().queryKey, (list) =>
        list?.map((o) => (o.code === saved.code ? saved : o)),
      );
      setZhDrafts(({ [org.code]: _done, ...rest }) => rest);
      return t(value ? 'admin.org.nameZhSaved' : 'admin.org.nameZhCleared', { code: org.code });
    });
  }

  function remove(org: OrganizationInfo) {
    if (!window.confirm(t('admin.org.deleteConfirm', { name: org.name, code: org.code }))) return;
    void act(async () => {
      await deleteOrganization(org.code);
      queryClient.setQueryData(organizationsQuery().queryKey, (list) =>
        list?.filter((o) => o.code !== org.code),
      );
      return t('admin.org.deleted', { code: org.code });
    });
  }

  function submitMove(e: FormEvent) {
    e.preventDefault();
    if (!site || !to || !from || to.code === from.code) return;
    const names = { site, from: from.name, to: to.name };
    if (!window.confirm(t('admin.org.moveConfirm', names))) return;
    void act(async () => {
      await moveSite(to.code, site);
      // Both owners' lists changed, and the sites' owners (Sites tab) and users' views with them.
      await queryClient.invalidateQueries({ queryKey: organizationsQuery().queryKey });
      void queryClient.invalidateQueries({ queryKey: fleetQuery().queryKey });
      void queryClient.invalidateQueries({ queryKey: usersQuery().queryKey });
      return t('admin.org.moved', { site, to: to.name });
    });
  }

  const hint = (name: keyof OrganizationForm, text: string | null) => {
    const err = errors[name];
    if (!err && !text) return null;
    return (
      <span id={`${id}-${name}-hint`} className={err ? 'field-error' : 'field-hint'}>
        {err ? t(err.key, err.params) : text}
      </span>
    );
  };

  return (
    <section aria-labelledby="orgs-admin-title" data-testid="admin-organizations-section">
      <h2 id="orgs-admin-title">{t('admin.organizations')}</h2>
      <p className="muted small">{t('admin.org.intro')}</p>
      <div className="admin-forms">
        <form className="card inline-form" onSubmit={create} noValidate aria-labelledby={`${id}-title`}>
          <h3 id={`${id}-title`}>{t('admin.org.createTitle')}</h3>
          <div className="field">
            <label htmlFor={`${id}-code`}>{t('admin.org.code')}</label>
            <input
              id={`${id}-code`}
              value={form.code}
              autoComplete="off"
              required
              aria-invalid={!!errors.code}
              aria-describedby={`${id}-code-hint`}
              onChange={(e) => setForm({ ...form, code: e.target.value })}
            />
            {hint('code', t('admin.org.codeHint'))}
          </div>
          <div className="field">
            <label htmlFor={`${id}-name`}>{t('admin.org.name')}</label>
            <input
              id={`${id}-name`}
              value={form.name}
              autoComplete="off"
              required
              aria-invalid={!!errors.name}
              aria-describedby={errors.name ? `${id}-name-hint` : undefined}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
            {hint('name', null)}
          </div>
          <div className="field">
            <label htmlFor={`${id}-nameZh`}>{t('admin.org.nameZh')}</label>
            <input
              id={`${id}-nameZh`}
              lang="zh-CN"
              value={form.nameZh}
              autoComplete="off"
              aria-invalid={!!errors.nameZh}
              aria-describedby={`${id}-nameZh-hint`}
              onChange={(e) => setForm({ ...form, nameZh: e.target.value })}
            />
            {hint('nameZh', t('admin.org.nameZhHint'))}
          </div>
          <button type="submit" disabled={pending} aria-busy={pending}>
            {t('admin.org.create')}
          </button>
        </form>
        <form className="card inline-form" onSubmit={submitMove} aria-labelledby={`${id}-move`}>
          <h3 id={`${id}-move`}>{t('admin.org.moveTitle')}</h3>
          <div className="field">
            <label htmlFor={`${id}-site`}>{t('admin.org.moveSite')}</label>
            <select
              id={`${id}-site`}
              value={site}
              onChange={(e) => setMove({ ...move, site: e.target.value })}
            >
              {sites.map((code) => (
                <option key={code} value={code}>
                  {t('admin.org.moveSiteOption', {
                    code,
                    owner: owners.has(code) ? displayName(owners.get(code)!, language) : '—',
                  })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>{t('admin.org.moveTo')}</label>
            <select
              id={`${id}-to`}
              value={to?.code ?? ''}
              aria-describedby={`${id}-move-hint`}
              onChange={(e) => setMove({ ...move, to: e.target.value })}
            >
              <OrganizationOptions organizations={orgs} />
            </select>
            <span id={`${id}-move-hint`} className="field-hint">
              {from && to && from.code === to.code
                ? t('admin.org.sameOwner', { site, to: to.name })
                : t('admin.org.moveHint')}
            </span>
          </div>
          <button
            type="submit"
            disabled={pending || !site || !to || !from || from.code === to.code}
            aria-busy={pending}
          >
            {t('admin.org.move')}
          </button>
        </form>
      </div>
      <Flash message={message} error={error} />
      <AdminTable
        q={q}
        errorMessage={(message) => t('admin.error', { message })}
        empty={t('admin.org.empty')}
        labelledBy="orgs-admin-title"
      >
        <table className="data" data-testid="admin-organizations">
          <thead>
            <tr>
              <th scope="col">{t('admin.org.col.org')}</th>
              <th scope="col">{t('admin.org.editNameZh')}</th>
              <th scope="col">{t('admin.org.col.sites')}</th>
              <th scope="col" className="num">
                {t('admin.org.col.users')}
              </th>
              <th scope="col">{t('admin.org.col.created')}</th>
              <th scope="col">{t('admin.org.col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {orgs.map((o) => (
              <tr key={o.code} data-org={o.code}>
                <th scope="row">
                  {displayName(o, language)}
                  {otherName(o, language) ? (
                    <span className="block small muted" lang={language === 'zh-CN' ? 'en' : 'zh-CN'}>
                      {otherName(o, language)}
                    </span>
                  ) : null}
                  <span className="block small muted code">{o.code}</span>
                </th>
                <td>
                  <form className="inline-form" onSubmit={(e) => saveNameZh(e, o)}>
                    <input
                      lang="zh-CN"
                      aria-label={`${t('admin.org.editNameZh')} ${o.code}`}
                      value={zhDrafts[o.code] ?? o.nameZh ?? ''}
                      maxLength={NAME_ZH_MAX}
                      onChange={(e) => setZhDrafts({ ...zhDrafts, [o.code]: e.target.value })}
                    />{' '}
                    <button type="submit" className="btn-small" disabled={pending}>
                      {t('app.save')}
                      <span className="visually-hidden"> {o.code}</span>
                    </button>
                  </form>
                </td>
                <td className="small code org-sites" data-testid="org-sites">
                  {o.sites.length > 0 ? o.sites.join(', ') : t('admin.org.noSites')}
                </td>
                <td className="num">{fmt.number(o.users)}</td>
                <td>{fmt.dateTime(o.createdAt)}</td>
                <td>
                  {canDeleteOrganization(o) ? (
                    <button
                      type="button"
                      className="btn-small btn-danger"
                      disabled={pending}
                      onClick={() => remove(o)}
                    >
                      {t('admin.org.delete')}
                      <span className="visually-hidden"> {o.name}</span>
                    </button>
                  ) : (
                    <span className="small muted">{t('admin.org.default')}</span>
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
