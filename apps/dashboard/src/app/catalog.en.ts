/**
 * The English core catalog: the common, the shell's and the messages of every feature but admin and ratings,
 * whose pages load their own (catalog.ts). A chunk of its own, loaded only when the dashboard shows English.
 */
import * as alarms from '../features/alarms/messages';
import * as auth from '../features/auth/messages';
import * as fleet from '../features/fleet/messages';
import * as kiosk from '../features/kiosk/messages';
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
  ...search.en,
  ...kiosk.en,
};
