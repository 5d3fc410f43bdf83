import { type Role } from '@dcfleet/contracts';
import { Link } from '../../../routing/router';
import type { ReactNode } from 'react';
import { PageHeading } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import { canManageAlarmRules } from '../../../routing/access';
import type { UserScope } from '../../../routing/scope';
import { adminTab, adminTabs, type AdminSearch, type AdminTab } from '../api/admin-search';
import { KioskSessionsAdmin } from '../../kiosk/KioskSessionsAdmin';
import { AlarmRulesAdmin } from './AlarmRulesAdmin';
import { NamesAdmin } from './NamesAdmin';
import { OrganizationsAdmin } from './OrganizationsAdmin';
import { SitesAdmin } from './SitesAdmin';
import { TokensAdmin } from './TokensAdmin';
import { UsersAdmin } from './UsersAdmin';

interface ScreenProps {
  username: string;
  role: Role;
  scope: UserScope;
  /** An admin without an organisation: decides organisations, owners, new sites and fleet-wide rules. */
  hubAdmin: boolean;
}

/** The admin screens, one file each, by the tab that opens them. */
const SCREENS: Record<AdminTab, (p: ScreenProps) => ReactNode> = {
  sites: ({ hubAdmin }) => <SitesAdmin hubAdmin={hubAdmin} />,
  tokens: () => <TokensAdmin />,
  users: ({ username, hubAdmin, scope }) => <UsersAdmin self={username} hubAdmin={hubAdmin} scope={scope} />,
  alarms: ({ role, hubAdmin }) => (
    <AlarmRulesAdmin canEdit={canManageAlarmRules(role)} fleetWide={hubAdmin} />
  ),
  kiosks: () => <KioskSessionsAdmin />,
  organizations: () => (
    <>
      <OrganizationsAdmin />
      <NamesAdmin />
    </>
  ),
};

/** The admin page: the screens' tabs this admin may use, and the screen the URL's tab names. */
export function AdminPage({ search, ...props }: ScreenProps & { search: AdminSearch }) {
  const { t } = useI18n();
  const tab = adminTab(search, props.hubAdmin);
  return (
    <section className="page" aria-labelledby="admin-title">
      <div className="page-head">
        <PageHeading id="admin-title" title={t('admin.title')}>
          {t('admin.title')}
        </PageHeading>
      </div>
      <nav className="subnav" aria-label={t('admin.tabs')}>
        <ul>
          {adminTabs(props.hubAdmin).map((name) => (
            <li key={name}>
              <Link
                to="/admin"
                search={name === 'sites' ? {} : { tab: name }}
                aria-current={tab === name ? 'page' : undefined}
                data-tab={name}
              >
                {t(`admin.${name}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {SCREENS[tab](props)}
    </section>
  );
}
