/**
 * The dashboard's dictionary: English is the source of the keys, Simplified Chinese must translate every one
 * (the `Messages` type makes a missing key a compile error). Placeholders are `{name}`.
 */
import * as app from './dictionaries/app';
import * as fleet from './dictionaries/fleet';
import * as site from './dictionaries/site';
import * as alarms from './dictionaries/alarms';
import * as ratings from './dictionaries/ratings';
import * as admin from './dictionaries/admin';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** English is the source of the keys; each area's dictionary lives in dictionaries/. */
const en = {
  ...app.en,
  ...fleet.en,
  ...site.en,
  ...alarms.en,
  ...ratings.en,
  ...admin.en,
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const zhCN: Messages = {
  ...app.zhCN,
  ...fleet.zhCN,
  ...site.zhCN,
  ...alarms.zhCN,
  ...ratings.zhCN,
  ...admin.zhCN,
};

export const MESSAGES: Record<Language, Messages> = { en, 'zh-CN': zhCN };

export type TranslateParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: TranslateParams) => string;

/** Looks a key up and fills `{placeholders}`; unknown placeholders stay visible so mistakes show. */
export function translate(language: Language, key: MessageKey, params?: TranslateParams): string {
  const template = MESSAGES[language][key] ?? en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match,
  );
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** A translator bound to one language, for pure functions and tests. */
export function translator(language: Language): Translate {
  return (key, params) => translate(language, key, params);
}
