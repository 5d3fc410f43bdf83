import { type Role } from '@dcfleet/contracts';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { PageHeading } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import { canManageAlarmRules } from '../../../routing/access';
import { ADMIN_TABS, adminTab, type AdminSearch, type AdminTab } from '../api/admin-search';
import { AlarmRulesAdmin } from './AlarmRulesAdmin';
import { SitesAdmin } from './SitesAdmin';
import { TokensAdmin } from './TokensAdmin';
import { UsersAdmin } from './UsersAdmin';

interface ScreenProps {
  username: string;
  role: Role;
}

/** The admin screens, one file each, by the tab that opens them. */
const SCREENS: Record<AdminTab, (p: ScreenProps) => ReactNode> = {
  sites: () => <SitesAdmin />,
  tokens: () => <TokensAdmin />,
  users: ({ username }) => <UsersAdmin self={username} />,
  alarms: ({ role }) => <AlarmRulesAdmin canEdit={canManageAlarmRules(role)} />,
};

/** The admin page: the screens' tabs, and the screen the URL's tab names. */
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
      {SCREENS[tab]({ username, role })}
    </section>
  );
}
