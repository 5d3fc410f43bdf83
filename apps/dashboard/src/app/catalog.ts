/**
 * The message catalog, by language and part (i18n/message-store.ts): the core part (catalog.en.ts,
 * catalog.zh-CN.ts) loads before the first render, the admin and ratings parts with their pages, and a page load
 * fetches only the language it shows. The ids of every part are registered with react-intl, so `t('…')` takes
 * only ids that exist, and every language is complete (each feature's zh-CN is typed by its en).
 */
import type { en as admin } from '../features/admin/messages';
import type { en as adminOrg } from '../features/admin/org-messages';
import type { en as ratings } from '../features/ratings/messages';
import type { CatalogLoaders } from '../i18n/i18n';
import type { messages as core } from './catalog.en';

declare global {
  // react-intl's own registration point for message ids is this global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace FormatjsIntl {
    interface Message {
      ids: keyof typeof core | keyof typeof admin | keyof typeof adminOrg | keyof typeof ratings;
    }
  }
}

export const CATALOG: CatalogLoaders = {
  en: {
    core: () => import('./catalog.en').then((m) => m.messages),
    admin: () =>
      Promise.all([import('../features/admin/messages'), import('../features/admin/org-messages')]).then(
        ([a, org]) => ({ ...a.en, ...org.en }),
      ),
    ratings: () => import('../features/ratings/messages').then((m) => m.en),
  },
  'zh-CN': {
    core: () => import('./catalog.zh-CN').then((m) => m.messages),
    admin: () =>
      Promise.all([
        import('../features/admin/messages.zh-CN'),
        import('../features/admin/org-messages.zh-CN'),
      ]).then(([a, org]) => ({ ...a.zhCN, ...org.zhCN })),
    ratings: () => import('../features/ratings/messages.zh-CN').then((m) => m.zhCN),
  },
};
