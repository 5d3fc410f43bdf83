import { ROLES, type OrganizationInfo } from '@dcfleet/contracts';
import { useDisplayName } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { toggleRegion, type Placement } from '../api/organizations';

/**
 * Where a user belongs, in the user forms of hub admins: the organisation select ("Hub staff" = none) and, for
 * hub regulators (`regions` true), the regions they see as checkboxes (none checked: all).
 */
export function PlacementFields({
  idPrefix,
  value,
  onChange,
  organizations,
  regionOptions,
  regions,
}: {
  idPrefix: string;
  value: Placement;
  onChange: (next: Placement) => void;
  organizations: readonly OrganizationInfo[];
  /** The regions of the hub's sites (and any the user already has). */
  regionOptions: readonly string[];
  /** Whether the regions field applies (hub regulators only). */
  regions: boolean;
}) {
  const { t } = useI18n();
  const options = [...new Set([...regionOptions, ...value.regions])].sort();
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-org`}>{t('admin.user.organization')}</label>
        <select
          id={`${idPrefix}-org`}
          value={value.organization}
          onChange={(e) => onChange({ ...value, organization: e.target.value })}
        >
          <option value="">{t('admin.user.hubStaff')}</option>
          <OrganizationOptions organizations={organizations} />
        </select>
      </div>
      {regions ? (
        <fieldset className="regions-fieldset" aria-describedby={`${idPrefix}-regions-hint`}>
          <legend>{t('admin.user.regions')}</legend>
          {options.map((r) => (
            <label key={r}>
              <input
                type="checkbox"
                checked={value.regions.includes(r)}
                onChange={(e) =>
                  onChange({ ...value, regions: toggleRegion(value.regions, r, e.target.checked) })
                }
              />{' '}
              {r}
            </label>
          ))}
          <span id={`${idPrefix}-regions-hint`} className="field-hint block">
            {t('admin.user.regionsHint')}
          </span>
        </fieldset>
      ) : null}
    </>
  );
}

/** The `<option>`s of a role select. */
export function RoleOptions() {
  const { t } = useI18n();
  return (
    <>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}`)}
        </option>
      ))}
    </>
  );
}

/** The `<option>`s of an organisation select, by name. */
export function OrganizationOptions({ organizations }: { organizations: readonly OrganizationInfo[] }) {
  const name = useDisplayName();
  return (
    <>
      {organizations.map((o) => (
        <option key={o.code} value={o.code}>
          {name(o)}
        </option>
      ))}
    </>
  );
}
