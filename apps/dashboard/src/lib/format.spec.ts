import { describe, expect, it } from 'vitest';
import * as common from '../i18n/common-messages';
import * as commonZh from '../i18n/common-messages.zh-CN';
import { createI18n } from '../i18n/i18n';
import { createFormat, NO_VALUE, shortHash } from './format';

const en = createFormat(createI18n('en', common.en).intl);
const zh = createFormat(createI18n('zh-CN', commonZh.zhCN).intl);

describe('power', () => {
  it('shows kW below 1 000 kW, with one decimal under 100 kW', () => {
    expect(en.power(0)).toBe('0 kW');
    expect(en.power(12.34)).toBe('12.3 kW');
    expect(en.power(850)).toBe('850 kW');
    expect(en.power(999.4)).toBe('999 kW');
  });

  it('switches to MW from 1 000 kW, with separators when it grows', () => {
    expect(en.power(1000)).toBe('1.00 MW');
    expect(en.power(1500)).toBe('1.50 MW');
    expect(en.power(23_456)).toBe('23.5 MW');
    expect(en.power(1_234_567)).toBe('1,234.6 MW');
  });

  it('shows a dash for missing values', () => {
    expect(en.power(null)).toBe(NO_VALUE);
    expect(en.power(undefined)).toBe(NO_VALUE);
    expect(en.power(Number.NaN)).toBe(NO_VALUE);
  });
});

describe('PUE and temperature', () => {
  it('round PUE to two decimals', () => {
    expect(en.pue(1.2345)).toBe('1.23');
    expect(en.pue(1.5)).toBe('1.50');
    expect(en.pue(null)).toBe(NO_VALUE);
    // Ratings show three decimals: a grade-2 PUE of 1.2049 must not read as the grade-1 bound 1.20.
    expect(en.ratedPue(1.2049)).toBe('1.205');
    expect(en.ratedPue(null)).toBe(NO_VALUE);
  });

  it('round temperatures to one decimal', () => {
    expect(en.temperature(24.46)).toBe('24.5 °C');
    expect(en.temperature(null)).toBe(NO_VALUE);
  });
});

describe('ago', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');

  it('says "never" without a timestamp', () => {
    expect(en.ago(null, now)).toBe('never');
    expect(zh.ago(null, now)).toBe('从未');
  });

  it('counts minutes, hours and days in the language', () => {
    expect(en.ago('2026-06-01T11:59:30Z', now)).toBe('just now');
    expect(en.ago('2026-06-01T11:55:00Z', now)).toBe('5 min ago');
    expect(en.ago('2026-06-01T10:31:00Z', now)).toBe('89 min ago');
    expect(en.ago('2026-06-01T09:00:00Z', now)).toBe('3 hr ago');
    expect(en.ago('2026-05-30T11:00:00Z', now)).toBe('2 days ago');
    expect(zh.ago('2026-06-01T11:55:00Z', now)).toBe('5分钟前');
    expect(zh.ago('2026-06-01T09:00:00Z', now)).toBe('3小时前');
  });

  it('treats small clock skew (future timestamps) as "just now" and bad input as missing', () => {
    expect(en.ago('2026-06-01T12:00:20Z', now)).toBe('just now');
    expect(en.ago('not a date', now)).toBe(NO_VALUE);
  });
});

describe('other formatters', () => {
  it('kw shows exact kilowatts with separators', () => {
    expect(en.kw(23834.77)).toBe('23,834.77 kW');
    expect(en.kw(4321.5)).toBe('4,321.5 kW');
    expect(en.kw(null)).toBe(NO_VALUE);
  });

  it('energy scales kWh to MWh and GWh', () => {
    expect(en.energy(850)).toBe('850 kWh');
    expect(en.energy(1500)).toBe('1.50 MWh');
    expect(en.energy(12_400)).toBe('12.4 MWh');
    expect(en.energy(3_210_000)).toBe('3.21 GWh');
    expect(en.energy(250_000_000)).toBe('250.0 GWh');
    expect(en.energy(undefined)).toBe(NO_VALUE);
  });

  it('percent, fixed and number', () => {
    expect(en.percent(0.9523)).toBe('95.2%');
    expect(en.percent(1, 0)).toBe('100%');
    expect(en.percent(null)).toBe(NO_VALUE);
    expect(en.fixed(0.53661, 3)).toBe('0.537');
    expect(en.fixed(Number.NaN, 2)).toBe(NO_VALUE);
    expect(en.number(12_345.6)).toBe('12,346');
    expect(en.number(12_345.67, 1)).toBe('12,345.7');
  });

  it('dates are 24-hour and unambiguous in both languages, and tolerate bad input', () => {
    expect(en.dateTime('2026-11-29T08:03:00Z', 'UTC')).toBe('29 Nov 2026, 08:03');
    expect(zh.dateTime('2026-11-29T08:03:00Z', 'UTC')).toBe('2026年11月29日 08:03');
    expect(en.dateTime('nope')).toBe(NO_VALUE);
    expect(en.date('2026-11-29T08:03:00Z', 'UTC')).toBe('29 Nov 2026');
    expect(en.month(3)).toBe('Mar');
    expect(zh.month(3)).toBe('3月');
  });

  it('shortHash keeps both ends', () => {
    expect(shortHash('a'.repeat(12) + 'b'.repeat(46) + 'c'.repeat(6))).toBe('aaaaaaaaaaaa…cccccc');
    expect(shortHash('abc')).toBe('abc');
    expect(shortHash(null)).toBe(NO_VALUE);
  });
});
