import { type OrganizationInfo, type Role, type UserInfo } from '@dcfleet/contracts';
import { useId, useState, type FormEvent } from 'react';
import { useModal } from '../../../components/use-modal';
import { useI18n } from '../../../i18n/i18n';
import { updateUser } from '../api/admin-api';
import {
  placementBody,
  placementChanged,
  placementOf,
  takesRegions,
  type Placement,
} from '../api/organizations';
import { PlacementFields, RoleOptions } from './PlacementFields';

/**
 * A hub admin edits a user's role, organisation and regions in a modal dialog. Any of these changes ends the
 * user's sessions (the API bumps its session version), so saving asks first.
 */
export function UserEditDialog({
  user,
  organizations,
  regionOptions,
  onClose,
  onSaved,
}: {
  user: UserInfo;
  organizations: readonly OrganizationInfo[];
  regionOptions: readonly string[];
  onClose: () => void;
  onSaved: (user: UserInfo) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const ref = useModal();
  const [role, setRole] = useState<Role>(user.role);
  const [placement, setPlacement] = useState<Placement>(() => placementOf(user));
  const [serverError, setServerError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!placementChanged(user, role, placement)) {
      onClose();
      return;
    }
    if (!window.confirm(t('admin.user.placementConfirm', { name: user.username }))) return;
    setServerError(null);
    setPending(true);
    try {
      onSaved(await updateUser(user.username, { role, ...placementBody(role, placement, true) }));
    } catch (err) {
      setServerError(err instanceof Error ? err.message : String(err));
      setPending(false);
    }
  }

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-title`} onCancel={onClose}>
      <form onSubmit={submit}>
        <h2 id={`${id}-title`}>{t('admin.user.editTitle', { name: user.username })}</h2>
        {serverError ? (
          <p className="error" role="alert">
            {t('admin.error', { message: serverError })}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-role`}>{t('admin.user.role')}</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <RoleOptions />
          </select>
        </div>
        <PlacementFields
          idPrefix={id}
          value={placement}
          onChange={setPlacement}
          organizations={organizations}
          regionOptions={regionOptions}
          regions={takesRegions(role, placement.organization)}
        />
        <div className="dialog-actions">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" disabled={pending} aria-busy={pending}>
            {t('app.save')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
