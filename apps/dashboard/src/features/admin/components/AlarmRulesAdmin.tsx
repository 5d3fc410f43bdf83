import type { AlarmRuleInfo } from '@dcfleet/contracts';
import { useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { AdminTable } from './AdminTable';
import { useI18n } from '../../../i18n/i18n';
import { useFleetQuery } from '../../fleet/hooks/use-fleet-query';
import { alarmRulesQuery, deleteAlarmRule, updateAlarmRule } from '../api/admin-api';
import { describeRule, sortRules } from '../api/alarm-rule-form';
import { AlarmRuleFormDialog } from './AlarmRuleFormDialog';
import { errorText } from './error-text';
import { Flash } from './Flash';

/**
 * Alarm rules (docs/contract.md "Alarms"): fleet-wide and per site. `canEdit` false (not an admin) shows the table only;
 * the API refuses changes from other roles anyway. `fleetWide` false (an organisation's admin): fleet-wide rules
 * are the hub's, so they are shown but not offered for change, and new rules are for a site.
 */
export function AlarmRulesAdmin({ canEdit, fleetWide }: { canEdit: boolean; fleetWide: boolean }) {
  const { t } = useI18n();
  const fleet = useFleetQuery();
  const queryClient = useQueryClient();
  const q = useQuery(alarmRulesQuery());
  const [editing, setEditing] = useState<AlarmRuleInfo | null | 'new'>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const rules = useMemo(() => sortRules(q.data ?? []), [q.data]);
  const codes = useMemo(() => (fleet.data ?? []).map((s) => s.code).sort(), [fleet.data]);

  const upsert = (rule: AlarmRuleInfo) =>
    queryClient.setQueryData(alarmRulesQuery().queryKey, (list) =>
      list ? [...list.filter((r) => r.id !== rule.id), rule] : list,
    );
  const scopeOf = (r: AlarmRuleInfo) => r.datacenter ?? t('admin.rule.fleetWide');

  async function toggle(rule: AlarmRuleInfo) {
    setError(null);
    setMessage(null);
    setBusy(rule.id);
    try {
      upsert(await updateAlarmRule(rule.id, { enabled: !rule.enabled }));
      setMessage(t('admin.rule.updated', { id: rule.id }));
    } catch (err) {
      setError(t('admin.error', { message: errorText(err) }));
    } finally {
      setBusy(null);
    }
  }

  async function remove(rule: AlarmRuleInfo) {
    if (
      !window.confirm(
        t('admin.rule.deleteConfirm', {
          id: rule.id,
          kind: t(`admin.rule.kind.${rule.kind}`),
          scope: scopeOf(rule),
        }),
      )
    )
      return;
    setError(null);
    setMessage(null);
    setBusy(rule.id);
    try {
      await deleteAlarmRule(rule.id);
      queryClient.setQueryData(alarmRulesQuery().queryKey, (list) => list?.filter((r) => r.id !== rule.id));
      setMessage(t('admin.rule.deleted', { id: rule.id }));
    } catch (err) {
      setError(t('admin.error', { message: errorText(err) }));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="rules-admin-title">
      <div className="section-head">
        <h2 id="rules-admin-title">{t('admin.alarms')}</h2>
        {canEdit ? (
          <button type="button" onClick={() => setEditing('new')}>
            {t('admin.rule.new')}
          </button>
        ) : null}
      </div>
      <p className="muted small">
        {t('admin.rule.replaces')} {t('admin.rule.builtinNote')}
        {canEdit && !fleetWide ? ` ${t('admin.rule.siteOnly')}` : ''}
      </p>
      <Flash message={message} error={error} />
      <AdminTable
        q={q}
        errorMessage={(message) => t('admin.error', { message })}
        empty={t('admin.rule.empty')}
        labelledBy="rules-admin-title"
      >
        <table className="data" data-testid="admin-alarm-rules">
          <thead>
            <tr>
              <th scope="col">{t('admin.rule.col.rule')}</th>
              <th scope="col">{t('admin.rule.col.scope')}</th>
              <th scope="col">{t('admin.rule.col.thresholds')}</th>
              <th scope="col">{t('admin.rule.col.severity')}</th>
              <th scope="col">{t('admin.rule.col.state')}</th>
              {canEdit ? <th scope="col">{t('admin.rule.col.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id} className={r.enabled ? '' : 'row-cleared'} data-rule={r.id}>
                <th scope="row">
                  {t(`admin.rule.kind.${r.kind}`)}
                  <span className="block small muted rule-meta">
                    #{r.id}
                    {r.builtin ? ` · ${t('admin.rule.builtin', { name: r.builtin })}` : ''}
                  </span>
                </th>
                <td className={r.datacenter ? 'code' : ''}>{scopeOf(r)}</td>
                <td className="small rule-thresholds">{describeRule(r, t)}</td>
                <td>
                  <span className={`sev sev-${r.severity}`}>{t(`alarms.severity.${r.severity}`)}</span>
                </td>
                <td data-testid="rule-state">
                  {r.enabled ? t('admin.rule.enabledState') : t('admin.rule.disabledState')}
                </td>
                {canEdit && !fleetWide && r.datacenter === null ? (
                  <td />
                ) : canEdit ? (
                  <td className="actions">
                    <button
                      type="button"
                      className="btn-small btn-secondary"
                      onClick={() => setEditing(r)}
                      disabled={busy === r.id}
                    >
                      {t('admin.rule.edit')}
                      <span className="visually-hidden"> {t('admin.rule.ruleN', { id: r.id })}</span>
                    </button>{' '}
                    <button
                      type="button"
                      className="btn-small btn-secondary"
                      onClick={() => toggle(r)}
                      disabled={busy === r.id}
                    >
                      {r.enabled ? t('admin.rule.disable') : t('admin.rule.enable')}
                      <span className="visually-hidden"> {t('admin.rule.ruleN', { id: r.id })}</span>
                    </button>{' '}
                    {r.builtin ? null : (
                      <button
                        type="button"
                        className="btn-small btn-danger"
                        onClick={() => remove(r)}
                        disabled={busy === r.id}
                      >
                        {t('admin.rule.delete')}
                        <span className="visually-hidden"> {t('admin.rule.ruleN', { id: r.id })}</span>
                      </button>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </AdminTable>
      {canEdit && editing ? (
        <AlarmRuleFormDialog
          rule={editing === 'new' ? null : editing}
          sites={codes}
          fleetWide={fleetWide}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            setError(null);
            setMessage(
              created ? t('admin.rule.created', { id: saved.id }) : t('admin.rule.updated', { id: saved.id }),
            );
            upsert(saved);
          }}
        />
      ) : null}
    </section>
  );
}
