import { NAME_KINDS, NAME_ZH_MAX, type LocalizedName, type NameKind } from '@dcfleet/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { useI18n } from '../../../i18n/i18n';
import { fleetQuery } from '../../fleet/api/fleet-api';
import { useFleetQuery } from '../../fleet/hooks/use-fleet-query';
import { namesQuery, setLocalizedName } from '../api/admin-api';
import { AdminTable } from './AdminTable';
import { errorText } from './error-text';
import { Flash } from './Flash';

interface Row {
  kind: NameKind;
  name: string;
  nameZh: string;
  sites: number;
}

/**
 * Every region, hub and operator value the sites carry, with the listed ones no site carries any more: sorted by kind,
 * then English value.
 */
function rowsOf(
  listed: readonly LocalizedName[],
  sites: readonly { region: string | null; hub: string | null; operator: string | null }[],
): Row[] {
  const rows = new Map<string, Row>();
  const key = (kind: NameKind, name: string) => `${kind}\u0000${name}`;
  for (const n of listed) rows.set(key(n.kind, n.name), { ...n, sites: 0 });
  for (const s of sites)
    for (const kind of NAME_KINDS) {
      const name = s[kind];
      if (!name) continue;
      const row = rows.get(key(kind, name)) ?? { kind, name, nameZh: '', sites: 0 };
      row.sites += 1;
      rows.set(key(kind, name), row);
    }
  return [...rows.values()].sort(
    (a, b) => NAME_KINDS.indexOf(a.kind) - NAME_KINDS.indexOf(b.kind) || a.name.localeCompare(b.name),
  );
}

/**
 * Admin → Organisations, second part (hub admins): the Chinese names of the region, hub and operator values, one per
 * value (PUT /api/v1/names), which every site carrying the value shows in the Chinese interface.
 */
export function NamesAdmin() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const q = useQuery(namesQuery());
  const fleet = useFleetQuery();
  const rows = useMemo(() => rowsOf(q.data ?? [], fleet.data ?? []), [q.data, fleet.data]);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);

  function save(e: FormEvent, row: Row) {
    e.preventDefault();
    const id = `${row.kind}:${row.name}`;
    const value = (drafts[id] ?? row.nameZh).trim();
    if (value.length > NAME_ZH_MAX) {
      setError(t('admin.err.length', { max: NAME_ZH_MAX }));
      return;
    }
    setPending(id);
    setError(null);
    setMessage(null);
    void (async () => {
      try {
        await setLocalizedName({ kind: row.kind, name: row.name, nameZh: value || null });
        await queryClient.invalidateQueries({ queryKey: namesQuery().queryKey });
        // The sites show the names: their list comes again.
        void queryClient.invalidateQueries({ queryKey: fleetQuery().queryKey });
        setDrafts(({ [id]: _done, ...rest }) => rest);
        setMessage(t(value ? 'admin.names.saved' : 'admin.names.cleared', { name: row.name }));
      } catch (err) {
        setError(t('admin.error', { message: errorText(err) }));
      } finally {
        setPending(null);
      }
    })();
  }

  return (
    <section aria-labelledby="names-admin-title" data-testid="admin-names">
      <h2 id="names-admin-title">{t('admin.names.title')}</h2>
      <p className="muted small">{t('admin.names.intro')}</p>
      <Flash message={message} error={error} />
      <AdminTable q={q} errorMessage={(m) => t('admin.error', { message: m })} labelledBy="names-admin-title">
        {/* The list may be empty while sites carry values: the rows come from both. */}
        {rows.length === 0 ? (
          <p className="muted">{t('admin.names.empty')}</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t('admin.names.col.kind')}</th>
                <th scope="col">{t('admin.names.col.name')}</th>
                <th scope="col" className="num">
                  {t('admin.names.col.sites')}
                </th>
                <th scope="col">{t('admin.names.col.nameZh')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const id = `${row.kind}:${row.name}`;
                const kind = t(`admin.names.kind.${row.kind}`);
                return (
                  <tr key={id} data-name={id}>
                    <td>{kind}</td>
                    <th scope="row">{row.name}</th>
                    <td className="num">{row.sites}</td>
                    <td>
                      <form className="inline-form" onSubmit={(e) => save(e, row)}>
                        <input
                          lang="zh-CN"
                          aria-label={t('admin.names.inputLabel', { kind, name: row.name })}
                          value={drafts[id] ?? row.nameZh}
                          maxLength={NAME_ZH_MAX}
                          onChange={(e) => setDrafts({ ...drafts, [id]: e.target.value })}
                        />{' '}
                        <button
                          type="submit"
                          className="btn-small"
                          disabled={pending !== null}
                          aria-busy={pending === id}
                        >
                          {t('app.save')}
                          <span className="visually-hidden"> {row.name}</span>
                        </button>
                      </form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </AdminTable>
    </section>
  );
}
