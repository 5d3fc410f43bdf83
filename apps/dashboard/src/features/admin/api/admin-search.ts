/** The admin page's URL state: the screen (`#/admin`, `#/admin?tab=tokens|users|alarms|kiosks|organizations`). */
export const ADMIN_TABS = ['sites', 'tokens', 'users', 'alarms', 'kiosks', 'organizations'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];

export interface AdminSearch {
  tab?: Exclude<AdminTab, 'sites'>;
}

function isTab(value: unknown): value is Exclude<AdminTab, 'sites'> {
  return typeof value === 'string' && value !== 'sites' && (ADMIN_TABS as readonly string[]).includes(value);
}

/** The route's validateSearch (every key returned: the router lays the result over the raw search). */
export function adminSearch(raw: Record<string, unknown>): AdminSearch {
  return { tab: isTab(raw.tab) ? raw.tab : undefined };
}

/** Screens only the hub admin may use (an organisation's admin does not decide organisations or owners). */
const HUB_ONLY_TABS: readonly AdminTab[] = ['organizations'];

/** The tabs offered to an admin: an organisation's admin does not get the hub's. */
export function adminTabs(hubAdmin: boolean): AdminTab[] {
  return ADMIN_TABS.filter((tab) => hubAdmin || !HUB_ONLY_TABS.includes(tab));
}

/** The screen the URL names, if this admin may use it; else the sites. */
export function adminTab(search: AdminSearch, hubAdmin = true): AdminTab {
  const tab = search.tab ?? 'sites';
  return adminTabs(hubAdmin).includes(tab) ? tab : 'sites';
}
