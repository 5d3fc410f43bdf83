/**
 * The message catalog, composed by the shell from the common, the shell's and each feature's messages. Its ids
 * are registered with react-intl, so `t('…')` takes only ids that exist, and every language is complete
 * (each feature's zhCN is typed by its en).
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
import type { Catalog } from '../i18n/i18n';
import * as shell from './shell-messages';

const parts = [common, shell, auth, fleet, site, alarms, ratings, admin, adminOrg, search, kiosk] as const;

const en = {
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

declare global {
  // react-intl's own registration point for message ids is this global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace FormatjsIntl {
    interface Message {
      ids: keyof typeof en;
    }
  }
}

const zhCN: Record<keyof typeof en, string> = {
  ...common.zhCN,
  ...shell.zhCN,
  ...auth.zhCN,
  ...fleet.zhCN,
  ...site.zhCN,
  ...alarms.zhCN,
  ...ratings.zhCN,
  ...admin.zhCN,
  ...adminOrg.zhCN,
  ...search.zhCN,
  ...kiosk.zhCN,
};

export const CATALOG: Catalog = { en, 'zh-CN': zhCN };

/** Each part's messages, for the catalog spec (no id may be defined twice). */
export const CATALOG_PARTS: readonly { en: Record<string, string>; zhCN: Record<string, string> }[] = parts;
