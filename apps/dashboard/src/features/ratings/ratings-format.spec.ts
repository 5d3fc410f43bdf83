import { describe, expect, it } from 'vitest';
import * as common from '../../i18n/common-messages';
import * as commonZh from '../../i18n/common-messages.zh-CN';
import { createI18n } from '../../i18n/i18n';
import { createFormat, NO_VALUE } from '../../lib/format';
import { ratingsFormat } from './ratings-format';

const en = ratingsFormat(createFormat(createI18n('en', common.en).intl));
const zh = ratingsFormat(createFormat(createI18n('zh-CN', commonZh.zhCN).intl));

describe('ratings number formats', () => {
  it('gives each ratio its fixed decimals', () => {
    expect(en.pue(1.2)).toBe('1.200');
    expect(en.pue(1.20249)).toBe('1.202');
    expect(en.wue(1.0449)).toBe('1.04');
    expect(en.cue(0.48361)).toBe('0.484');
    expect(en.ratio(0.3)).toBe('0.300');
    expect(en.factor(0.3869)).toBe('0.3869');
    expect(en.share(0.95234)).toBe('95.2%');
  });

  it('scales energy by fixed rules: kWh, MWh with one decimal, GWh with two', () => {
    expect(en.energy(850.4)).toBe('850 kWh');
    expect(en.energy(12_345)).toBe('12.3 MWh');
    expect(en.energy(999_949)).toBe('999.9 MWh');
    expect(en.energy(2_484_000_000)).toBe('2,484.00 GWh');
    expect(en.energy(3_210_000)).toBe('3.21 GWh');
  });

  it('writes emissions in tCO₂e with one decimal and water in whole m³, with separators', () => {
    expect(en.co2(51_965_312)).toBe('51,965.3 tCO₂e');
    expect(en.co2(50_646_000)).toBe('50,646.0 tCO₂e');
    expect(en.water(50_646.4)).toBe('50,646 m³');
    expect(en.hours(631.8)).toBe('631.8 h');
  });

  it('follows the language and marks missing values without a unit', () => {
    expect(zh.energy(2_484_000_000)).toBe('2,484.00 GWh');
    expect(zh.share(0.5)).toBe('50.0%');
    expect(en.co2(null)).toBe(NO_VALUE);
    expect(en.water(undefined)).toBe(NO_VALUE);
    expect(en.energy(Number.NaN)).toBe(NO_VALUE);
    expect(en.withUnit(en.wue(null), 'L/kWh')).toBe(NO_VALUE);
    expect(en.withUnit(en.wue(1), 'L/kWh')).toBe('1.00 L/kWh');
  });
});
