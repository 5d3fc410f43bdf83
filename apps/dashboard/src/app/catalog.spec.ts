import {
  isArgumentElement,
  isDateElement,
  isNumberElement,
  isPluralElement,
  isSelectElement,
  isTagElement,
  isTimeElement,
  parse,
  type MessageFormatElement,
} from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { createI18n, LANGUAGES, type MessageId, type Messages } from '../i18n/i18n';
import { CATALOG } from './catalog';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as admin from '../features/admin/messages';
import * as adminZh from '../features/admin/messages.zh-CN';
import * as adminOrg from '../features/admin/org-messages';
import * as adminOrgZh from '../features/admin/org-messages.zh-CN';
import * as ratings from '../features/ratings/messages';
import * as ratingsZh from '../features/ratings/messages.zh-CN';
import * as catalogEn from './catalog.en';
import * as catalogZh from './catalog.zh-CN';

type ArgKind = 'text' | 'number';

/** The arguments a message takes, and whether each must be a number (number, plural, date). */
function argumentsOf(
  elements: MessageFormatElement[],
  out = new Map<string, ArgKind>(),
): Map<string, ArgKind> {
  for (const el of elements) {
    if (isArgumentElement(el)) {
      if (!out.has(el.value)) out.set(el.value, 'text');
    } else if (isNumberElement(el) || isPluralElement(el) || isDateElement(el) || isTimeElement(el)) {
      out.set(el.value, 'number');
    } else if (isSelectElement(el)) {
      if (!out.has(el.value)) out.set(el.value, 'text');
    }
    if (isPluralElement(el) || isSelectElement(el)) {
      for (const option of Object.values(el.options)) argumentsOf(option.value, out);
    }
    if (isTagElement(el)) argumentsOf(el.children, out);
  }
  return out;
}

// Every part of each language, in the same order: the core catalog's parts, then the pages' own.
const PARTS_EN: readonly Record<string, string>[] = [...catalogEn.PARTS, admin.en, adminOrg.en, ratings.en];
const PARTS_ZH: readonly Record<string, string>[] = [
  ...catalogZh.PARTS,
  adminZh.zhCN,
  adminOrgZh.zhCN,
  ratingsZh.zhCN,
];
const CATALOG_EN = Object.assign({}, ...PARTS_EN) as Messages;
const CATALOG_ZH = Object.assign({}, ...PARTS_ZH) as Messages;
const BY_LANGUAGE = { en: CATALOG_EN, 'zh-CN': CATALOG_ZH } as const;
const ids = Object.keys(CATALOG_EN) as MessageId[];

/** The ids of the admin and ratings parts, and the source files allowed to use them (their pages' features). */
const PAGE_PARTS = [
  {
    part: 'admin',
    ids: [...Object.keys(admin.en), ...Object.keys(adminOrg.en)],
    home: /^features\/admin\/|^features\/kiosk\/KioskSessionsAdmin\.tsx$/,
  },
  { part: 'ratings', ids: Object.keys(ratings.en), home: /^features\/ratings\// },
];

function sourceFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path, base);
    return /\.tsx?$/.test(entry.name) && !/\.spec\.tsx?$|messages/.test(entry.name)
      ? [relative(base, path)]
      : [];
  });
}

describe('the message catalog', () => {
  it('defines every id in one place only', () => {
    const seen = new Map<string, number>();
    PARTS_EN.forEach((part, i) =>
      Object.keys(part).forEach((id) => {
        expect(seen.get(id), `${id} is defined twice`).toBeUndefined();
        seen.set(id, i);
      }),
    );
    // The Chinese parts line up with the English ones, each translating exactly its part's ids.
    expect(PARTS_ZH.map((part) => Object.keys(part).sort())).toEqual(
      PARTS_EN.map((part) => Object.keys(part).sort()),
    );
  });

  it('loads by language and part: every id once, the same parts in both languages', async () => {
    for (const language of LANGUAGES) {
      const parts = CATALOG[language];
      expect(Object.keys(parts).sort()).toEqual(['admin', 'core', 'ratings']);
      const loaded = await Promise.all(Object.values(parts).map((load) => load!()));
      const keys = loaded.flatMap((part) => Object.keys(part));
      expect(new Set(keys).size, `${language}: an id in two parts`).toBe(keys.length);
      expect(keys.sort()).toEqual([...ids].sort());
    }
    expect(await CATALOG.en.core()).toBe(catalogEn.messages);
  });

  it('uses the admin and ratings ids only in the pages that load them', () => {
    const src = join(dirname(fileURLToPath(import.meta.url)), '..');
    for (const file of sourceFiles(src)) {
      const text = readFileSync(join(src, file), 'utf8');
      for (const { part, ids: partIds, home } of PAGE_PARTS) {
        if (home.test(file)) continue;
        const used = partIds.filter((id) => text.includes(`'${id}'`) || text.includes(`"${id}"`));
        expect(used, `${file} uses the ${part} part's messages, which load only with its pages`).toEqual([]);
      }
    }
  });

  it('is valid ICU MessageFormat in both languages, with the same arguments', () => {
    for (const id of ids) {
      const en = argumentsOf(parse(CATALOG_EN[id]));
      const zh = argumentsOf(parse(CATALOG_ZH[id]));
      expect([...zh.keys()].sort(), `${id}: the translation's arguments`).toEqual([...en.keys()].sort());
    }
  });

  it('English counts use plural forms, never "(s)"', () => {
    for (const id of ids) expect(CATALOG_EN[id], id).not.toMatch(/\w\((s|es)\)/);
    const plurals = ids.filter((id) => parse(CATALOG_EN[id]).some(isPluralElement));
    expect(plurals.length).toBeGreaterThan(5);
  });

  it('formats every message in both languages without an error', () => {
    for (const language of LANGUAGES) {
      // createI18n throws on any formatting error (a missing value, a bad pattern).
      const { t } = createI18n(language, BY_LANGUAGE[language]);
      for (const id of ids) {
        const values: Record<string, string | number> = {};
        for (const [name, kind] of argumentsOf(parse(CATALOG_EN[id])))
          values[name] = kind === 'number' ? 2 : 'x';
        expect(t(id, values), `${language} ${id}`).not.toMatch(/[{}]/);
      }
    }
  });

  it('speaks real plurals', () => {
    const en = createI18n('en', CATALOG_EN).t;
    const zh = createI18n('zh-CN', CATALOG_ZH).t;
    expect(en('fleet.showing', { n: 1, total: 1 })).toBe('Showing 1 of 1 site');
    expect(en('fleet.showing', { n: 3, total: 25 })).toBe('Showing 3 of 25 sites');
    expect(en('fleet.map.noCoords', { n: 1 })).toBe('1 site has no coordinates and is not on the map.');
    expect(en('ratings.fleetSites', { n: 1200, excluded: 2 })).toBe('1,200 sites rated, 2 excluded');
    expect(zh('ratings.fleetSites', { n: 1200, excluded: 2 })).toBe('已评级 1,200 个站点，排除 2 个');
    expect(en('site.meta.categoryValue', { n: 2 })).toBe('Category 2 (IT metered at PDU output)');
    expect(zh('site.meta.categoryValue', { n: 3 })).toBe('类别 3（IT 能耗在 IT 设备输入端计量）');
  });
});
