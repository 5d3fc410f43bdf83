/**
 * Which role may open which page and use which control (README "Security": regulators read sites and ratings
 * only). Shared by the shell (navigation, page guard, live rooms) and the features (alarm counts, actions).
 */
import type { Role } from '@dcfleet/contracts';

/** Every page of the dashboard, as the route table names them (`page`). */
export type PageName = 'login' | 'fleet' | 'site' | 'alarms' | 'ratings' | 'report' | 'admin';

export function canAccess(page: PageName, role: Role): boolean {
  switch (page) {
    case 'admin':
      return role === 'admin';
    case 'alarms':
      return role === 'admin' || role === 'operator';
    default:
      return true;
  }
}

/** Whether the role may acknowledge alarms (and see alarm counts). */
export function canSeeAlarms(role: Role): boolean {
  return canAccess('alarms', role);
}

/** Whether the role may create, change and delete alarm rules (the API: admin only; operators read them). */
export function canManageAlarmRules(role: Role): boolean {
  return role === 'admin';
}
