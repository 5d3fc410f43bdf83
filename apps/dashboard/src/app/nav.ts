import type { Role } from '@dcfleet/contracts';
import { canAccess, type PageName } from '../routing/access';

export type NavItem = 'fleet' | 'alarms' | 'ratings' | 'admin';

const NAV_ITEMS: readonly NavItem[] = ['fleet', 'alarms', 'ratings', 'admin'];

/** Main navigation for a role: pages it may not open are not offered. */
export function navItems(role: Role): NavItem[] {
  return NAV_ITEMS.filter((name) => canAccess(name, role));
}

/** The nav item a page belongs to (the site page is part of the fleet, a report part of the ratings). */
export function sectionOf(page: PageName | undefined): NavItem | null {
  switch (page) {
    case 'fleet':
    case 'site':
      return 'fleet';
    case 'ratings':
    case 'report':
      return 'ratings';
    case 'alarms':
    case 'admin':
      return page;
    default:
      return null;
  }
}
