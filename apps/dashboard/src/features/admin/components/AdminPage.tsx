import { type Role } from '@dcfleet/contracts';
import { Link } from '@tanstack/react-router';
import { PageHeading } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import { canManageAlarmRules } from '../../../routing/access';
import { ADMIN_TABS, adminTab, type AdminSearch } from '../api/admin-search';
import { AlarmRulesAdmin } from './AlarmRulesAdmin';

import { SitesAdmin } from './SitesAdmin';
import { TokensAdmin } from './TokensAdmin';
import { UsersAdmin } from './UsersAdmin';

/** The admin screens (one file each), one at a time by the URL's tab. */
export function AdminPage({ search, username, role }: { search: AdminSearch; username: string; role: Role }) {
  const { t } = useI18n();
  const tab = adminTab(search);
  return (
    <section className="page" aria-labelledby="admin-title">
      <div className="page-head">
        <PageHeading id="admin-title" title={t('admin.title')}>
          {t('admin.title')}
        </PageHeading>
      </div>
      <nav className="subnav" aria-label={t('admin.tabs')}>
        <ul>
          {ADMIN_TABS.map((name) => (
            <li key={name}>
              <Link
                to="/admin"
                search={name === 'sites' ? {} : { tab: name }}
                activeOptions={{ exact: true }}
                aria-current={tab === name ? 'page' : undefined}
              >
                {t(`admin.${name}`)}
              </Link>
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
