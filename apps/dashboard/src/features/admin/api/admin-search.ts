/** The admin page's URL state: the screen (`#/admin`, `#/admin?tab=tokens|users|alarms`). */
export const ADMIN_TABS = ['sites', 'tokens', 'users', 'alarms'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];

export interface AdminSearch {
  tab?: Exclude<AdminTab, 'sites'>;
}

/** The route's validateSearch (every key returned: the router lays the result over the raw search). */
export function adminSearch(raw: Record<string, unknown>): AdminSearch {
  return { tab: raw.tab === 'tokens' || raw.tab === 'users' || raw.tab === 'alarms' ? raw.tab : undefined };
}

export function adminTab(search: AdminSearch): AdminTab {
  return search.tab ?? 'sites';
}
