import { type DataCenter } from '@dcfleet/contracts';
import { Link } from '../../../routing/router';
import { useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { AdminTable } from './AdminTable';
import { displayName, displayValue, otherName } from '../../../i18n/display-name';
import { useI18n } from '../../../i18n/i18n';
import { fleetQuery, siteQuery } from '../../fleet/api/fleet-api';
import { useFleetQuery } from '../../fleet/hooks/use-fleet-query';
import { organizationsQuery } from '../api/admin-api';
import { ownerBySite, sortOrganizations } from '../api/organizations';
import { Flash } from './Flash';
import { SiteFormDialog } from './SiteFormDialog';

/**
 * Admin → Sites: the sites this admin sees, edit (SiteFormDialog). Only a hub admin registers sites (the API:
 * 403 for an organisation's admin) and sees each site's owner.
 */
export function SitesAdmin({ hubAdmin }: { hubAdmin: boolean }) {
  const { t, fmt, language } = useI18n();
  const queryClient = useQueryClient();
  const q = useFleetQuery();
  const orgs = useQuery({ ...organizationsQuery(), enabled: hubAdmin });
  const owners = useMemo(() => ownerBySite(orgs.data ?? []), [orgs.data]);
  const organizations = useMemo(() => (orgs.data ? sortOrganizations(orgs.data) : undefined), [orgs.data]);
  const [editing, setEditing] = useState<DataCenter | null | 'new'>(null);
  const [message, setMessage] = useState<string | null>(null);
  const sites = useMemo(() => [...(q.data ?? [])].sort((a, b) => a.code.localeCompare(b.code)), [q.data]);

  return (
    <section aria-labelledby="sites-admin-title">
      <div className="section-head">
        <h2 id="sites-admin-title">{t('admin.sites')}</h2>
        {hubAdmin ? (
          <button type="button" onClick={() => setEditing('new')}>
            {t('admin.site.new')}
          </button>
        ) : null}
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
              {hubAdmin ? <th scope="col">{t('admin.site.owner')}</th> : null}
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
                  <Link to="/sites/$code" params={{ code: s.code }}>
                    {s.code}
                  </Link>
                </th>
                <td data-testid="site-name">
                  {displayName(s, language)}
                  {otherName(s, language) ? (
                    <span className="block small muted" lang={language === 'zh-CN' ? 'en' : 'zh-CN'}>
                      {otherName(s, language)}
                    </span>
                  ) : null}
                </td>
                {hubAdmin ? (
                  <td className="small" data-testid="site-owner">
                    {owners.has(s.code) ? displayName(owners.get(s.code)!, language) : '—'}
                  </td>
                ) : null}
                <td>{displayValue(s.region, s.regionZh, language) ?? '—'}</td>
                <td className="small">{displayValue(s.hub, s.hubZh, language) ?? '—'}</td>
                <td className="num">{fmt.power(s.itCapacityKw)}</td>
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
          organizations={organizations}
          onClose={() => setEditing(null)}
          onSaved={(saved, created) => {
            setEditing(null);
            setMessage(
              created
                ? t('admin.site.created', { code: saved.code })
                : t('admin.site.updated', { code: saved.code }),
            );
            queryClient.setQueryData(siteQuery(saved.code).queryKey, saved);
            void queryClient.invalidateQueries({ queryKey: fleetQuery().queryKey });
            // A new site joins an organisation's list (the default one unless placed).
            if (created) void queryClient.invalidateQueries({ queryKey: organizationsQuery().queryKey });
          }}
        />
      ) : null}
    </section>
  );
}
