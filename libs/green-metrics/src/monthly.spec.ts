import { localMonthRange, localYearRange } from './calendar';
import { counterEnergy, pairedEnergy } from './energy';
import { monthlyBreakdown } from './monthly';
import { rateSite } from './rating';
import {
  DAY,
  HOUR,
  MINUTE,
  constantKw,
  gaugeSamples,
  meterSamples,
  rollupDaily,
  steps,
} from './test-support/daily-buckets';

describe('monthlyBreakdown', () => {
  it('an IT meter silent through September: no month books its energy elsewhere, and the months add up to the year', () => {
    const tz = 'Asia/Shanghai';
    const y = localYearRange(2025, tz);
    const sep = localMonthRange(2025, 9, tz);
    const ts = steps(y.start - DAY, y.end + DAY, HOUR);
    const facility = {
      kind: 'counter',
      buckets: rollupDaily(meterSamples(ts, constantKw(1250)), tz),
    } as const;
    const it = {
      kind: 'counter',
      buckets: rollupDaily(
        meterSamples(
          ts.filter((t) => t < sep.start || t >= sep.end),
          constantKw(1000),
        ),
        tz,
      ),
    } as const;
    const rows = monthlyBreakdown({ facility, it, timeZone: tz, year: 2025 });
    expect(rows[8]).toMatchObject({ month: 9, pue: null, coverage: 0 });
    // October alone would read the meter's September energy as October's: PUE 0.63, a false metering fault.
    expect(rows[9]!.pue).toBeCloseTo(1.25, 9);
    expect(rows.filter((r) => r.month !== 9).every((r) => Math.abs(r.pue! - 1.25) < 1e-9)).toBe(true);
    const year = pairedEnergy(facility, it, y);
    expect(rows.reduce((sum, r) => sum + r.itKwh, 0)).toBeCloseTo(year.it.energyKwh, 6);
    expect(rows.reduce((sum, r) => sum + r.facilityKwh, 0)).toBeCloseTo(year.facility.energyKwh, 6);
  });

  it('Europe/Berlin counters: month energies follow local month lengths (743 h March, 745 h October)', () => {
    const tz = 'Europe/Berlin';
    const y = localYearRange(2025, tz);
    const ts = steps(y.start - DAY, y.end + DAY, HOUR);
    const facility = rollupDaily(meterSamples(ts, constantKw(1250)), tz);
    const it = rollupDaily(meterSamples(ts, constantKw(1000)), tz);
    const rows = monthlyBreakdown({
      facility: { kind: 'counter', buckets: facility },
      it: { kind: 'counter', buckets: it },
      timeZone: tz,
      year: 2025,
    });
    expect(rows.map((r) => r.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const hours = [744, 672, 743, 720, 744, 720, 744, 744, 720, 745, 720, 744];
    expect(rows.map((r) => r.itKwh)).toEqual(hours.map((h) => h * 1000));
    expect(rows.map((r) => r.facilityKwh)).toEqual(hours.map((h) => h * 1250));
    expect(rows.every((r) => r.pue === 1.25 && r.coverage === 1)).toBe(true);
    expect(rows[2]).toMatchObject({
      start: Date.parse('2025-02-28T23:00:00Z'),
      end: Date.parse('2025-03-31T22:00:00Z'),
    });
    // Months add up to the year.
    const annual = counterEnergy(it, y).energyKwh;
    expect(rows.reduce((s, r) => s + r.itKwh, 0)).toBe(annual);
  });

  it('a month without readings shows zero coverage and no PUE; the year stays final (the meters bridged it)', () => {
    const tz = 'Asia/Shanghai';
    const y = localYearRange(2025, tz);
    const feb = localMonthRange(2025, 2, tz);
    const ts = steps(y.start - DAY, y.end + DAY, HOUR).filter((t) => t < feb.start || t >= feb.end);
    const facility = rollupDaily(meterSamples(ts, constantKw(1300)), tz);
    const it = rollupDaily(meterSamples(ts, constantKw(1000)), tz);
    const rows = monthlyBreakdown({
      facility: { kind: 'counter', buckets: facility },
      it: { kind: 'counter', buckets: it },
      timeZone: tz,
      year: 2025,
    });
    expect(rows[1]).toMatchObject({ month: 2, facilityKwh: 0, itKwh: 0, pue: null, coverage: 0 });
    // The meter bridged February: the step 31 Jan 23:00 → 1 Mar 00:00 (673 h) belongs to March, the month
    // of its later reading, on top of March's own 743 h of steps.
    expect(rows[2].itKwh).toBe((673 + 743) * 1000);
    expect(rows[2].coverage).toBeCloseTo(743 / 744, 12);
    expect(rows[0]).toMatchObject({ itKwh: 744_000, coverage: 1 });
    const r = rateSite({ facility: counterEnergy(facility, y), it: counterEnergy(it, y) });
    expect(r).toMatchObject({ status: 'final', grade: 2 });
    expect(r.pue).toBeCloseTo(1.3, 12);
    expect(r.coverage).toBe(1);
  });

  it('power-only site: gauges integrated per month', () => {
    const tz = 'Asia/Shanghai';
    const y = localYearRange(2025, tz);
    const ts = steps(y.start - DAY, y.end + DAY, 15 * MINUTE);
    const rows = monthlyBreakdown({
      facility: {
        kind: 'gauge',
        buckets: rollupDaily(
          gaugeSamples(ts, () => 1200),
          tz,
        ),
      },
      it: {
        kind: 'gauge',
        buckets: rollupDaily(
          gaugeSamples(ts, () => 1000),
          tz,
        ),
      },
      timeZone: tz,
      year: 2025,
    });
    expect(rows[1].itKwh).toBeCloseTo(672 * 1000, 6);
    expect(rows[1].pue).toBeCloseTo(1.2, 12);
    expect(rows.every((r) => r.coverage === 1)).toBe(true);
  });
});
