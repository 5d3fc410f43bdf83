import { describe, expect, it } from 'vitest';
import { translator } from '../i18n/messages';
import {
  formatAgo,
  formatDate,
  formatDateTime,
  formatEnergy,
  formatFixed,
  formatKw,
  formatPercent,
  formatPower,
  formatPue,
  formatRatedPue,
  formatTemperature,
  NO_VALUE,
  shortHash,
} from './format';

describe('formatPower', () => {
  it('shows kW below 1 000 kW, with one decimal under 100 kW', () => {
    expect(formatPower(0)).toBe('0 kW');
    expect(formatPower(12.34)).toBe('12.3 kW');
    expect(formatPower(850)).toBe('850 kW');
    expect(formatPower(999.4)).toBe('999 kW');
  });

  it('switches to MW from 1 000 kW', () => {
    expect(formatPower(1000)).toBe('1.00 MW');
    expect(formatPower(1500)).toBe('1.50 MW');
    expect(formatPower(23_456)).toBe('23.5 MW');
  });

  it('shows a dash for missing values', () => {
    expect(formatPower(null)).toBe(NO_VALUE);
    expect(formatPower(undefined)).toBe(NO_VALUE);
    expect(formatPower(Number.NaN)).toBe(NO_VALUE);
  });
});

describe('formatPue and formatTemperature', () => {
  it('round PUE to two decimals', () => {
    expect(formatPue(1.2345)).toBe('1.23');
    expect(formatPue(1.5)).toBe('1.50');
    expect(formatPue(null)).toBe(NO_VALUE);
    // Ratings show three decimals: a grade-2 PUE of 1.2049 must not read as the grade-1 bound 1.20.
    expect(formatRatedPue(1.2049)).toBe('1.205');
    expect(formatRatedPue(null)).toBe(NO_VALUE);
  });

  it('round temperatures to one decimal', () => {
    expect(formatTemperature(24.46)).toBe('24.5 °C');
    expect(formatTemperature(null)).toBe(NO_VALUE);
  });
});

describe('formatAgo', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');

  it('says "never" without a timestamp', () => {
    expect(formatAgo(null, now)).toBe('never');
  });

  it('counts minutes, hours and days', () => {
    expect(formatAgo('2026-06-01T11:59:30Z', now)).toBe('just now');
    expect(formatAgo('2026-06-01T11:55:00Z', now)).toBe('5 min ago');
    expect(formatAgo('2026-06-01T10:31:00Z', now)).toBe('89 min ago');
    expect(formatAgo('2026-06-01T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo('2026-05-30T11:00:00Z', now)).toBe('2 d ago');
  });

  it('treats small clock skew (future timestamps) as "just now" and bad input as missing', () => {
    expect(formatAgo('2026-06-01T12:00:20Z', now)).toBe('just now');
    expect(formatAgo('not a date', now)).toBe(NO_VALUE);
  });
});

describe('other formatters', () => {
  it('formatKw shows exact kilowatts with separators', () => {
    expect(formatKw(23834.77)).toBe('23,834.77 kW');
    expect(formatKw(4321.5)).toBe('4,321.5 kW');
    expect(formatKw(null)).toBe(NO_VALUE);
  });

  it('formatEnergy scales kWh to MWh and GWh', () => {
    expect(formatEnergy(850)).toBe('850 kWh');
    expect(formatEnergy(1500)).toBe('1.50 MWh');
    expect(formatEnergy(12_400)).toBe('12.4 MWh');
    expect(formatEnergy(3_210_000)).toBe('3.21 GWh');
    expect(formatEnergy(250_000_000)).toBe('250.0 GWh');
    expect(formatEnergy(undefined)).toBe(NO_VALUE);
  });

  it('formatPercent and formatFixed', () => {
    expect(formatPercent(0.9523)).toBe('95.2 %');
    expect(formatPercent(1, 0)).toBe('100 %');
    expect(formatPercent(null)).toBe(NO_VALUE);
    expect(formatFixed(0.53661, 3)).toBe('0.537');
    expect(formatFixed(Number.NaN, 2)).toBe(NO_VALUE);
  });

  it('formatAgo speaks Chinese with a zh-CN translator', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    const zh = translator('zh-CN');
    expect(formatAgo('2026-06-01T11:55:00Z', now, zh)).toBe('5 分钟前');
    expect(formatAgo(null, now, zh)).toBe('从未');
  });

  it('formatDateTime is 24-hour and tolerates bad input', () => {
    expect(formatDateTime('2026-11-29T08:03:00Z', 'en-GB', 'UTC')).toBe('29 Nov 2026, 08:03');
    expect(formatDateTime('nope')).toBe(NO_VALUE);
    expect(formatDate('2026-11-29T08:03:00Z', 'en-GB', 'UTC')).toBe('29 Nov 2026');
  });

  it('shortHash keeps both ends', () => {
    expect(shortHash('a'.repeat(12) + 'b'.repeat(46) + 'c'.repeat(6))).toBe('aaaaaaaaaaaa…cccccc');
    expect(shortHash('abc')).toBe('abc');
    expect(shortHash(null)).toBe(NO_VALUE);
  });
});
