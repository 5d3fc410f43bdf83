/**
 * The message catalog: one chunk per language (catalog.en.ts, catalog.zh-CN.ts), so a page load fetches only
 * the language it shows. Its ids are registered with react-intl, so `t('…')` takes only ids that exist, and
 * every language is complete (each feature's zh-CN is typed by its en).
 */
import type { CatalogLoaders } from '../i18n/i18n';
import type { messages as en } from './catalog.en';

declare global {
  // react-intl's own registration point for message ids is this global namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace FormatjsIntl {
    interface Message {
      ids: keyof typeof en;
    }
  }
}

export const CATALOG: CatalogLoaders = {
  en: () => import('./catalog.en').then((m) => m.messages),
  'zh-CN': () => import('./catalog.zh-CN').then((m) => m.messages),
};
