import { type Role } from '@dcfleet/contracts';
import { canManageAlarmRules, hrefFor } from '../../../app/routes';
import { PageHeading } from '../../../components/ui';
import { useI18n } from '../../../i18n/i18n';
import { AlarmRulesAdmin } from './AlarmRulesAdmin';

import { SitesAdmin } from './SitesAdmin';
import { TokensAdmin } from './TokensAdmin';
import { UsersAdmin } from './UsersAdmin';

type Tab = 'sites' | 'tokens' | 'users' | 'alarms';
const TABS: Tab[] = ['sites', 'tokens', 'users', 'alarms'];

export function AdminPage({
  query,
  username,
  role,
}: {
  query: Record<string, string>;
  username: string;
  role: Role;
}) {
  const { t } = useI18n();
  const tab: Tab = (TABS as string[]).includes(query.tab ?? '') ? (query.tab as Tab) : 'sites';
  return (
    <section className="page" aria-labelledby="admin-title">
      <div className="page-head">
        <PageHeading id="admin-title" title={t('admin.title')}>
          {t('admin.title')}
        </PageHeading>
      </div>
      <nav className="subnav" aria-label={t('admin.tabs')}>
        <ul>
          {TABS.map((name) => (
            <li key={name}>
              <a
                href={hrefFor({ name: 'admin' }, name === 'sites' ? {} : { tab: name })}
                aria-current={tab === name ? 'page' : undefined}
              >
                {t(`admin.${name}`)}
              </a>
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
