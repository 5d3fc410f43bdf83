/**
 * The Simplified Chinese core catalog (see catalog.en.ts), a chunk of its own loaded only when the dashboard shows
 * Chinese. Typed by the English one, so every id must be translated.
 */
import * as alarms from '../features/alarms/messages.zh-CN';
import * as auth from '../features/auth/messages.zh-CN';
import * as fleet from '../features/fleet/messages.zh-CN';
import * as kiosk from '../features/kiosk/messages.zh-CN';
import * as search from '../features/search/messages.zh-CN';
import * as site from '../features/site/messages.zh-CN';
import * as common from '../i18n/common-messages.zh-CN';
import type { messages as en } from './catalog.en';
import * as shell from './shell-messages.zh-CN';

/** Each part, in the same order as in catalog.en.ts. */
export const PARTS = [
  common.zhCN,
  shell.zhCN,
  auth.zhCN,
  fleet.zhCN,
  site.zhCN,
  alarms.zhCN,
  search.zhCN,
  kiosk.zhCN,
] as const;

export const messages: Record<keyof typeof en, string> = {
  ...common.zhCN,
  ...shell.zhCN,
  ...auth.zhCN,
  ...fleet.zhCN,
  ...site.zhCN,
  ...alarms.zhCN,
  ...search.zhCN,
  ...kiosk.zhCN,
};
