import type { AlarmRuleInfo } from '@dcfleet/contracts';
import { useId, useState, type FormEvent } from 'react';
import { useModal } from '../../../components/use-modal';
import { useI18n } from '../../../i18n/i18n';
import { createAlarmRule, updateAlarmRule } from '../api/admin-api';
import {
  ALARM_RULE_KINDS,
  ALARM_SEVERITIES,
  alarmRuleFormToCreate,
  alarmRuleFormToUpdate,
  emptyAlarmRuleForm,
  PARAM_SPECS,
  paramDefault,
  ruleToForm,
  withKind,
  withSeverity,
  type AlarmRuleForm,
  type AlarmRuleFormErrors,
} from '../api/alarm-rule-form';

interface Props {
  rule: AlarmRuleInfo | null;
  /** Site codes a new rule can be scoped to. */
  sites: string[];
  /** Whether a new rule may be fleet-wide (hub admins; an organisation's admin sets rules for its sites). */
  fleetWide?: boolean;
  onClose: () => void;
  onSaved: (rule: AlarmRuleInfo, created: boolean) => void;
}

/** Create (rule = null) or edit an alarm rule in a modal dialog. Kind and scope are fixed once created. */
export function AlarmRuleFormDialog({ rule, sites, fleetWide = true, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const id = useId();
  const ref = useModal();
  const [form, setForm] = useState<AlarmRuleForm>(() =>
    rule ? ruleToForm(rule) : { ...emptyAlarmRuleForm(), datacenter: fleetWide ? '' : (sites[0] ?? '') },
  );
  const [errors, setErrors] = useState<AlarmRuleFormErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const fieldId = (name: string) => `${id}-${name.replace('.', '-')}`;

  /** Edits a field and drops its error (the rest are checked again on submit). */
  function edit(next: AlarmRuleForm, field: string) {
    setForm(next);
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setServerError(null);
    const result = rule ? alarmRuleFormToUpdate(form) : alarmRuleFormToCreate(form);
    setErrors(result.errors);
    const first = Object.keys(result.errors)[0];
    if (first) {
      document.getElementById(fieldId(first))?.focus();
      return;
    }
    setPending(true);
    try {
      const saved = rule
        ? await updateAlarmRule(rule.id, alarmRuleFormToUpdate(form).body)
        : await createAlarmRule(alarmRuleFormToCreate(form).body);
      onSaved(saved, !rule);
    } catch (err) {
      setServerError(err instanceof Error ? err.message : String(err));
      setPending(false);
    }
  }

  const hint = (name: string, text: string | null) => {
    const err = errors[name];
    if (!err && !text) return null;
    return (
      <span id={`${fieldId(name)}-hint`} className={err ? 'field-error' : 'field-hint'}>
        {err ? t(err.key, err.params) : text}
      </span>
    );
  };
  const described = (name: string, text: string | null) =>
    errors[name] || text ? `${fieldId(name)}-hint` : undefined;

  return (
    <dialog
      ref={ref}
      className="dialog dialog-wide"
      aria-labelledby={`${id}-title`}
      onCancel={onClose}
      data-testid="alarm-rule-dialog"
    >
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>
          {rule ? t('admin.rule.editTitle', { id: rule.id }) : t('admin.rule.createTitle')}
        </h2>
        {serverError ? (
          <p className="error" role="alert">
            {t('admin.error', { message: serverError })}
          </p>
        ) : null}
        <div className="form-grid">
          <div className="field">
            <label htmlFor={fieldId('kind')}>{t('admin.rule.kind')}</label>
            <select
              id={fieldId('kind')}
              value={form.kind}
              disabled={!!rule}
              aria-describedby={rule ? `${id}-fixed` : undefined}
              onChange={(e) => {
                setForm(withKind(form, e.target.value as AlarmRuleForm['kind']));
                setErrors({});
              }}
              autoFocus={!rule}
            >
              {ALARM_RULE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`admin.rule.kind.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={fieldId('datacenter')}>{t('admin.rule.scope')}</label>
            <select
              id={fieldId('datacenter')}
              value={form.datacenter}
              disabled={!!rule}
              aria-invalid={!!errors.datacenter}
              aria-describedby={described('datacenter', null) ?? (rule ? `${id}-fixed` : undefined)}
              onChange={(e) => edit({ ...form, datacenter: e.target.value }, 'datacenter')}
            >
              {fleetWide || (rule && !rule.datacenter) ? (
                <option value="">{t('admin.rule.fleetWide')}</option>
              ) : null}
              {(form.datacenter && !sites.includes(form.datacenter)
                ? [form.datacenter, ...sites]
                : sites
              ).map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
            {hint('datacenter', null)}
          </div>
          <div className="field">
            <label htmlFor={fieldId('severity')}>{t('admin.rule.severity')}</label>
            <select
              id={fieldId('severity')}
              value={form.severity}
              onChange={(e) => setForm(withSeverity(form, e.target.value as AlarmRuleForm['severity']))}
              autoFocus={!!rule}
            >
              {ALARM_SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`alarms.severity.${s}`)}
                </option>
              ))}
            </select>
          </div>
          {rule ? (
            <p id={`${id}-fixed`} className="field-hint field-wide">
              {t('admin.rule.fixed')}
            </p>
          ) : (
            <p className="field-hint field-wide">{t('admin.rule.replaces')}</p>
          )}
        </div>
        <fieldset className="rule-params">
          <legend>{t('admin.rule.params')}</legend>
          <p className="field-hint">{t('admin.rule.paramsHint')}</p>
          <div className="form-grid">
            {PARAM_SPECS[form.kind].map((p) => {
              const name = `params.${p.name}`;
              const setParam = (value: string) =>
                edit({ ...form, params: { ...form.params, [p.name]: value } }, name);
              if (p.type === 'boolean') {
                return (
                  <div key={name} className="field field-check">
                    <label>
                      <input
                        id={fieldId(name)}
                        type="checkbox"
                        checked={form.params[p.name] === 'true'}
                        onChange={(e) => setParam(String(e.target.checked))}
                      />{' '}
                      {t(p.label)}
                    </label>
                  </div>
                );
              }
              const def = paramDefault(form.kind, form.severity, p.name);
              const text =
                def === null
                  ? t('admin.rule.serverDefault')
                  : t('admin.rule.default', { value: String(def) });
              return (
                <div key={name} className="field">
                  <label htmlFor={fieldId(name)}>{t(p.label)}</label>
                  <input
                    id={fieldId(name)}
                    name={name}
                    inputMode={p.type === 'integer' ? 'numeric' : 'decimal'}
                    value={form.params[p.name] ?? ''}
                    placeholder={def === null ? '' : String(def)}
                    onChange={(e) => setParam(e.target.value)}
                    aria-invalid={!!errors[name]}
                    aria-describedby={described(name, text)}
                  />
                  {hint(name, text)}
                </div>
              );
            })}
          </div>
        </fieldset>
        <div className="form-grid">
          <div className="field field-wide">
            <label htmlFor={fieldId('webhookUrl')}>{t('admin.rule.webhook')}</label>
            <input
              id={fieldId('webhookUrl')}
              type="url"
              value={form.webhookUrl}
              maxLength={2000}
              placeholder="https://"
              onChange={(e) => edit({ ...form, webhookUrl: e.target.value }, 'webhookUrl')}
              aria-invalid={!!errors.webhookUrl}
              aria-describedby={described('webhookUrl', t('admin.rule.webhookHint'))}
            />
            {hint('webhookUrl', t('admin.rule.webhookHint'))}
          </div>
          <div className="field field-check">
            <label>
              <input
                id={fieldId('enabled')}
                type="checkbox"
                checked={form.enabled}
                onChange={(e) => setForm({ ...form, enabled: e.target.checked })}
              />{' '}
              {t('admin.rule.enabled')}
            </label>
          </div>
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" disabled={pending} aria-busy={pending}>
            {rule ? t('app.save') : t('admin.rule.create')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
