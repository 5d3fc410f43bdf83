import {
  DEFAULT_ORGANIZATION_CODE,
  type DataCenter,
  type DataCenterWithSnapshot,
  type OrganizationInfo,
} from '@dcfleet/contracts';
import { useId, useState, type FormEvent } from 'react';
import { useModal } from '../../../components/use-modal';
import { useI18n, type MessageId } from '../../../i18n/i18n';
import { createSite, updateSite } from '../api/admin-api';
import {
  emptySiteForm,
  siteFormToBody,
  siteToForm,
  type SiteField,
  type SiteForm,
  type SiteFormErrors,
} from '../api/site-form';
import { OrganizationOptions } from './PlacementFields';

const FIELDS: {
  name: SiteField;
  label: MessageId;
  type?: string;
  hint?: MessageId;
  inputMode?: 'decimal' | 'numeric';
  wide?: boolean;
}[] = [
  { name: 'code', label: 'admin.site.code', hint: 'admin.site.codeHint' },
  { name: 'name', label: 'admin.site.name', wide: true },
  { name: 'nameZh', label: 'admin.site.nameZh', hint: 'admin.site.nameZhHint', wide: true },
  { name: 'operator', label: 'admin.site.operator' },
  { name: 'region', label: 'admin.site.region' },
  { name: 'hub', label: 'admin.site.hub' },
  { name: 'timezone', label: 'admin.site.timezone' },
  { name: 'latitude', label: 'admin.site.latitude', inputMode: 'decimal' },
  { name: 'longitude', label: 'admin.site.longitude', inputMode: 'decimal' },
  { name: 'itCapacityKw', label: 'admin.site.capacity', inputMode: 'decimal' },
  { name: 'racks', label: 'admin.site.racks', inputMode: 'numeric' },
  { name: 'pueCategory', label: 'admin.site.category' },
  { name: 'gridRegion', label: 'admin.site.gridRegion', hint: 'admin.site.gridRegionHint' },
  {
    name: 'gridEmissionFactor',
    label: 'admin.site.emission',
    inputMode: 'decimal',
    hint: 'admin.site.emissionHint',
  },
  { name: 'greenCertifiedYear', label: 'admin.site.certified', inputMode: 'numeric' },
  { name: 'commissionedAt', label: 'admin.site.commissioned', type: 'date' },
  {
    name: 'effectiveFrom',
    label: 'admin.site.effectiveFrom',
    type: 'date',
    hint: 'admin.site.effectiveFromHint',
  },
  { name: 'changeReason', label: 'admin.site.changeReason', wide: true },
];

/** Fields that only make sense for an existing site. */
const EDIT_ONLY: readonly SiteField[] = ['effectiveFrom', 'changeReason'];

interface Props {
  site: DataCenter | null;
  /** A hub admin's organisations: a new site can be given its owner at once (else: the default one). */
  organizations?: readonly OrganizationInfo[];
  onClose: () => void;
  onSaved: (site: DataCenterWithSnapshot, created: boolean) => void;
}

/** Create (site = null) or edit a site in a modal dialog. */
export function SiteFormDialog({ site, organizations, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const id = useId();
  const ref = useModal();
  const [form, setForm] = useState<SiteForm>(() => (site ? siteToForm(site) : emptySiteForm()));
  const [errors, setErrors] = useState<SiteFormErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [owner, setOwner] = useState(DEFAULT_ORGANIZATION_CODE);
  const mode = site ? 'edit' : 'create';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { body, errors: errs } = siteFormToBody(form, mode);
    setErrors(errs);
    setServerError(null);
    const first = Object.keys(errs)[0];
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setPending(true);
    try {
      const saved = site
        ? await updateSite(site.code, body)
        : await createSite({
            ...body,
            code: body.code!,
            name: body.name!,
            ...(organizations ? { organization: owner } : {}),
          });
      onSaved(saved, !site);
    } catch (err) {
      setServerError(err instanceof Error ? err.message : String(err));
      setPending(false);
    }
  }

  return (
    <dialog ref={ref} className="dialog dialog-wide" aria-labelledby={`${id}-title`} onCancel={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>
          {site ? t('admin.site.editTitle', { code: site.code }) : t('admin.site.createTitle')}
        </h2>
        {serverError ? (
          <p className="error" role="alert">
            {t('admin.error', { message: serverError })}
          </p>
        ) : null}
        <div className="form-grid">
          {FIELDS.filter((f) => (site ? f.name !== 'code' : !EDIT_ONLY.includes(f.name))).map((f) => {
            const err = errors[f.name];
            const hintId = `${id}-${f.name}-hint`;
            return (
              <div key={f.name} className={`field ${f.wide ? 'field-wide' : ''}`}>
                <label htmlFor={`${id}-${f.name}`}>{t(f.label)}</label>
                {f.name === 'pueCategory' ? (
                  <select
                    id={`${id}-${f.name}`}
                    value={form.pueCategory}
                    onChange={(e) => setForm({ ...form, pueCategory: e.target.value })}
                  >
                    {[1, 2, 3].map((c) => (
                      <option key={c} value={c}>
                        {t('site.meta.categoryValue', { n: c })}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    id={`${id}-${f.name}`}
                    name={f.name}
                    type={f.type ?? 'text'}
                    inputMode={f.inputMode}
                    value={form[f.name]}
                    onChange={(e) => setForm({ ...form, [f.name]: e.target.value })}
                    aria-invalid={!!err}
                    aria-describedby={err || f.hint ? hintId : undefined}
                    lang={f.name === 'nameZh' ? 'zh-CN' : undefined}
                    required={f.name === 'code' || f.name === 'name'}
                    autoFocus={f.name === (site ? 'name' : 'code')}
                  />
                )}
                {err || f.hint ? (
                  <span id={hintId} className={err ? 'field-error' : 'field-hint'}>
                    {err ? t(err.key, err.params) : f.hint ? t(f.hint) : ''}
                  </span>
                ) : null}
              </div>
            );
          })}
          {!site && organizations ? (
            <div className="field">
              <label htmlFor={`${id}-owner`}>{t('admin.site.owner')}</label>
              <select id={`${id}-owner`} value={owner} onChange={(e) => setOwner(e.target.value)}>
                <OrganizationOptions organizations={organizations} />
              </select>
            </div>
          ) : null}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" disabled={pending} aria-busy={pending}>
            {site ? t('app.save') : t('admin.site.create')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
