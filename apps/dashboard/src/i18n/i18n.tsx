/**
 * The dashboard's i18n, on react-intl (ICU MessageFormat): the language choice and its persistence, the
 * IntlProvider over the catalog the shell composes from each feature's messages, and `useI18n()`, which gives
 * components `t` (a message by id) and `fmt` (numbers and dates formatted for the language).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  createIntl,
  createIntlCache,
  IntlProvider,
  useIntl,
  type IntlShape,
  type MessageDescriptor,
} from 'react-intl';
import { createFormat, type Format } from '../lib/format';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The locale each language formats with: English dates read day-month-year, 24-hour (en-GB). */
export const LOCALES: Record<Language, string> = { en: 'en-GB', 'zh-CN': 'zh-CN' };

/** Every message id (the shell registers the catalog's ids with react-intl: app/catalog.ts). */
export type MessageId = NonNullable<MessageDescriptor['id']>;
export type Messages = Record<MessageId, string>;
export type Catalog = Record<Language, Messages>;

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
  setLanguage: (language: Language) => void;
}

const LanguageContext = createContext<LanguageState | null>(null);

export function I18nProvider({ catalog, children }: { catalog: Catalog; children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

  const setLanguage = useCallback((next: Language) => {
    storage()?.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const state = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);
  return (
    <LanguageContext.Provider value={state}>
      <IntlProvider locale={LOCALES[language]} defaultLocale={LOCALES.en} messages={catalog[language]}>
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
