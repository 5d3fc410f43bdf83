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
import { createI18n, LANGUAGES, type MessageId } from '../i18n/i18n';
import { CATALOG } from './catalog';
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

const CATALOG_EN = catalogEn.messages;
const CATALOG_ZH = catalogZh.messages;
const BY_LANGUAGE = { en: CATALOG_EN, 'zh-CN': CATALOG_ZH } as const;
const ids = Object.keys(CATALOG_EN) as MessageId[];

describe('the message catalog', () => {
  it('defines every id in one place only', () => {
    const seen = new Map<string, number>();
    catalogEn.PARTS.forEach((part, i) =>
      Object.keys(part).forEach((id) => {
        expect(seen.get(id), `${id} is defined twice`).toBeUndefined();
        seen.set(id, i);
      }),
    );
    // The Chinese parts line up with the English ones, each translating exactly its part's ids.
    expect(catalogZh.PARTS.map((part) => Object.keys(part).sort())).toEqual(
      catalogEn.PARTS.map((part) => Object.keys(part).sort()),
    );
  });

  it('loads each language as its own chunk, with the same ids', async () => {
    const [en, zh] = await Promise.all([CATALOG.en(), CATALOG['zh-CN']()]);
    expect(en).toBe(CATALOG_EN);
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
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
