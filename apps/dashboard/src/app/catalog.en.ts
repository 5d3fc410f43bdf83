/**
 * The English catalog, composed from the common, the shell's and each feature's messages. It is a chunk of its
 * own, loaded only when the dashboard shows English (catalog.ts); its keys are every message id.
 */
import * as admin from '../features/admin/messages';
import * as adminOrg from '../features/admin/org-messages';
import * as alarms from '../features/alarms/messages';
import * as auth from '../features/auth/messages';
import * as fleet from '../features/fleet/messages';
import * as kiosk from '../features/kiosk/messages';
import * as ratings from '../features/ratings/messages';
import * as search from '../features/search/messages';
import * as site from '../features/site/messages';
import * as common from '../i18n/common-messages';
import * as shell from './shell-messages';

/** Each part, in the same order as in catalog.zh-CN.ts (the catalog spec checks that no id is defined twice). */
export const PARTS = [
  common.en,
  shell.en,
  auth.en,
  fleet.en,
  site.en,
  alarms.en,
  ratings.en,
  admin.en,
  adminOrg.en,
  search.en,
  kiosk.en,
] as const;

export const messages = {
  ...common.en,
  ...shell.en,
  ...auth.en,
  ...fleet.en,
  ...site.en,
  ...alarms.en,
  ...ratings.en,
  ...admin.en,
  ...adminOrg.en,
  ...search.en,
  ...kiosk.en,
};
