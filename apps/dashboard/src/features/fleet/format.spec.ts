import { describe, expect, it } from 'vitest';
import { formatAgo, formatPower, formatPue, formatTemperature, NO_VALUE } from './format';

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
