import { type Role, type UserInfo } from '@dcfleet/contracts';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { AdminTable } from './AdminTable';
import { errorText } from './error-text';
import { useI18n } from '../../../i18n/i18n';
import type { UserScope } from '../../../routing/scope';
import { distinct } from '../../fleet/api/fleet-data';
import { useFleetQuery } from '../../fleet/hooks/use-fleet-query';
import { createUser, organizationsQuery, updateUser, usersQuery } from '../api/admin-api';
import { placementBody, takesRegions, type Placement } from '../api/organizations';
import { Flash } from './Flash';
import { PlacementFields, RoleOptions } from './PlacementFields';
import { UserEditDialog } from './UserEditDialog';

const HUB_STAFF: Placement = { organization: '', regions: [] };

/**
 * Admin → Users: create users, change roles, disable. A hub admin also places users (organisation, a hub
 * regulator's regions); an organisation's admin sees and adds only its own members (the API places them).
 */
export function UsersAdmin({ self, hubAdmin, scope }: { self: string; hubAdmin: boolean; scope: UserScope }) {
  const { t, fmt } = useI18n();
  const id = useId();
  const queryClient = useQueryClient();
  const q = useQuery(usersQuery());
  // Only hub admins may list organisations (403 otherwise); the fleet gives the regions to choose from.
  const orgsQ = useQuery({ ...organizationsQuery(), enabled: hubAdmin });
  const fleet = useFleetQuery();
  const [form, setForm] = useState({ username: '', password: '', role: 'operator' as Role });
  const [placement, setPlacement] = useState<Placement>(HUB_STAFF);
  const [editing, setEditing] = useState<UserInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const users = useMemo(
    () => [...(q.data ?? [])].sort((a, b) => a.username.localeCompare(b.username)),
    [q.data],
  );
  const orgs = useMemo(
    () => [...(orgsQ.data ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    [orgsQ.data],
  );
  const regionOptions = useMemo(() => distinct(fleet.data ?? [], 'region'), [fleet.data]);
  const orgName = (code: string | null) =>
    code === null
      ? t('admin.user.hubStaff')
      : (orgs.find((o) => o.code === code)?.name ??
        (scope.kind === 'organization' && scope.code === code ? scope.name : code));
  const regionsOf = (u: UserInfo) =>
    u.role !== 'regulator' || u.organization !== null
      ? '—'
      : u.regions
        ? u.regions.join(', ')
        : t('admin.user.allRegions');

  const replace = (user: UserInfo) =>
    queryClient.setQueryData(usersQuery().queryKey, (list) =>
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
        ...placementBody(form.role, placement, hubAdmin),
      });
      queryClient.setQueryData(usersQuery().queryKey, (list) => (list ? [...list, user] : list));
      setMessage(t('admin.user.created', { name: user.username }));
      setForm({ username: '', password: '', role: form.role });
      // The organisation's user count changed.
      if (hubAdmin) void queryClient.invalidateQueries({ queryKey: organizationsQuery().queryKey });
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
      // A regulator's regions go with the role (the API takes regions only for regulators).
      const regions = patch.role && patch.role !== 'regulator' && user.regions ? { regions: null } : {};
      const updated = await updateUser(user.username, { ...patch, ...regions });
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
        {scope.kind === 'organization' ? (
          <p className="muted small block">{t('admin.user.ownOrg', { name: scope.name })}</p>
        ) : null}
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
            <RoleOptions />
          </select>
        </div>
        {hubAdmin ? (
          <PlacementFields
            idPrefix={id}
            value={placement}
            onChange={setPlacement}
            organizations={orgs}
            regionOptions={regionOptions}
            regions={takesRegions(form.role, placement.organization)}
          />
        ) : null}
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
              <th scope="col">{t('admin.user.col.organization')}</th>
              <th scope="col">{t('admin.user.col.regions')}</th>
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
                      <RoleOptions />
                    </select>
                  </td>
                  <td data-testid="user-org">{orgName(u.organization)}</td>
                  <td className="small">{regionsOf(u)}</td>
                  <td>{fmt.dateTime(u.createdAt)}</td>
                  <td>{u.disabled ? t('admin.user.disabled') : t('admin.user.enabled')}</td>
                  <td className="actions">
                    {hubAdmin && !isSelf ? (
                      <>
                        <button
                          type="button"
                          className="btn-small btn-secondary"
                          onClick={() => setEditing(u)}
                        >
                          {t('admin.user.edit')}
                          <span className="visually-hidden"> {u.username}</span>
                        </button>{' '}
                      </>
                    ) : null}
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
      {editing ? (
        <UserEditDialog
          user={editing}
          organizations={orgs}
          regionOptions={regionOptions}
          onClose={() => setEditing(null)}
          onSaved={(user) => {
            setEditing(null);
            setError(null);
            replace(user);
            setMessage(t('admin.saved'));
            void queryClient.invalidateQueries({ queryKey: organizationsQuery().queryKey });
          }}
        />
      ) : null}
    </section>
  );
}
