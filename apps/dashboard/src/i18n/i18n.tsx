/**
 * The dashboard's i18n, on react-intl (ICU MessageFormat): the language choice and its persistence, the
 * IntlProvider over the catalog the shell composes from each feature's messages, and `useI18n()`, which gives
 * components `t` (a message by id) and `fmt` (numbers and dates formatted for the language).
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import {
  createIntl,
  createIntlCache,
  IntlProvider,
  useIntl,
  type IntlShape,
  type MessageDescriptor,
} from 'react-intl';
import { createFormat, type Format } from '../lib/format';
import { messageStore, type CatalogLoaders, type MessageStore } from './message-store';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The locale each language formats with: English dates read day-month-year, 24-hour (en-GB). */
export const LOCALES: Record<Language, string> = { en: 'en-GB', 'zh-CN': 'zh-CN' };

/** Every message id (the shell registers the catalog's ids with react-intl: app/catalog.ts). */
export type MessageId = NonNullable<MessageDescriptor['id']>;
export type Messages = Record<MessageId, string>;

export type MessageValues = Record<string, string | number>;
export type Translate = (id: MessageId, values?: MessageValues) => string;

const STORAGE_KEY = 'dcfleet.lang';

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The remembered language, else the browser's (Chinese browsers get zh-CN), else English. */
export function initialLanguage(): Language {
  const stored = storage()?.getItem(STORAGE_KEY);
  if (isLanguage(stored)) return stored;
  const browser = globalThis.navigator?.language ?? '';
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** `t` over an intl object: plain-text messages only (no rich-text elements in this app). */
export function translatorOf(intl: IntlShape): Translate {
  return (id, values) => intl.formatMessage({ id }, values);
}

const cache = createIntlCache();

/**
 * An intl object outside React (specs, pure helpers). `messages` may be a part of the catalog, e.g. one
 * feature's and the common messages.
 */
export function createI18n(
  language: Language,
  messages: Partial<Messages>,
): { intl: IntlShape; t: Translate } {
  // A partial catalog is fine here: a missing id is reported through onError, which throws in specs.
  const intl = createIntl(
    {
      locale: LOCALES[language],
      defaultLocale: LOCALES.en,
      messages: messages as Messages,
      onError: (err) => {
        throw err;
      },
    },
    cache,
  );
  return { intl, t: translatorOf(intl) };
}

interface LanguageState {
  language: Language;
  /** Shows `language` once its catalog has loaded; the current one stays on screen until then. */
  setLanguage: (language: Language) => void;
}

const LanguageContext = createContext<LanguageState | null>(null);

export type { CatalogLoaders } from './message-store';

/**
 * The language state and react-intl over the messages of the language shown (message-store.ts). Nothing renders
 * until the first language's core messages have loaded (a small chunk, fetched as the app starts); if they cannot
 * load (say, a release replaced the chunk), a plain-English notice asks for a reload, since there are no messages
 * to say it with.
 */
export function I18nProvider({
  catalog,
  children,
  store = messageStore,
}: {
  catalog: CatalogLoaders;
  children: ReactNode;
  store?: MessageStore;
}) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const [failed, setFailed] = useState(false);
  // The language last asked for, and the one shown: a switch applies only if no later one was asked for.
  const requested = useRef(language);
  const shown = useRef(language);
  // Idempotent: the store needs the loaders before the first load below, and pages load parts through it.
  store.configure(catalog);
  const messages = useSyncExternalStore(store.subscribe, () => store.messages(language));

  useEffect(() => {
    shown.current = language;
    store.use(language).catch(() => setFailed(true));
    return () => store.release(language);
  }, [store, language]);

  const setLanguage = useCallback(
    (next: Language) => {
      requested.current = next;
      // Switch once the new language's messages are here, so no screen shows message ids in between; if they
      // cannot load, the language shown stays.
      store.use(next).then(
        () => {
          if (requested.current === next) {
            storage()?.setItem(STORAGE_KEY, next);
            setLanguageState(next);
          } else if (shown.current !== next) {
            store.release(next);
          }
        },
        () => {
          if (shown.current !== next) store.release(next);
        },
      );
    },
    [store],
  );

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const state = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);
  if (!messages) {
    return failed ? (
      <p role="alert" className="catalog-error">
        The dashboard could not load its texts. Check the connection and reload the page.
      </p>
    ) : null;
  }
  return (
    <LanguageContext.Provider value={state}>
      <IntlProvider locale={LOCALES[language]} defaultLocale={LOCALES.en} messages={messages}>
        {children}
      </IntlProvider>
    </LanguageContext.Provider>
  );
}

export interface I18n extends LanguageState {
  intl: IntlShape;
  t: Translate;
  fmt: Format;
}

export function useI18n(): I18n {
  const state = useContext(LanguageContext);
  if (!state) throw new Error('useI18n outside <I18nProvider>');
  const intl = useIntl();
  return useMemo(() => ({ ...state, intl, t: translatorOf(intl), fmt: createFormat(intl) }), [state, intl]);
}
