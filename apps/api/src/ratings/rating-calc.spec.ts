import { localDayStart, localYearRange, nextLocalDayStart } from '@dcfleet/green-metrics';
import type { SiteEntity } from '../sites/site.entity';
import { computeRating, gapsUntil, monthsOf } from './rating-calc';
import { chooseInputs, withDayEnds } from './rating-inputs';
import type { DailyRow } from './ratings.repository';

const HOUR = 3_600_000;
const site = {
  id: 1,
  code: 'GZ-01',
  name: 'A',
  hub: null,
  timezone: 'Asia/Shanghai',
  pueCategory: 2,
  gridEmissionFactor: null,
} as SiteEntity;

/** Hourly readings of a constant load as daily buckets of `zone` (counter when kind = counter, else gauge). */
function days(zone: string, from: number, to: number, kw: number, kind: 'counter' | 'gauge'): DailyRow[] {
  const out: DailyRow[] = [];
  let reading = 0;
  for (let d = localDayStart(from, zone); d < to; d = nextLocalDayStart(d, zone)) {
    const n = (nextLocalDayStart(d, zone) - d) / HOUR;
    const first = kind === 'counter' ? reading + kw : kw;
    const last = kind === 'counter' ? reading + kw * n : kw;
    out.push({
      seriesId: 1,
      bucket: d,
      end: 0,
      count: n,
      sum: kind === 'counter' ? 0 : kw * n,
      min: first,
      max: last,
      first,
      firstTs: d,
      last,
      lastTs: d + (n - 1) * HOUR,
      increase: last - first,
      resets: 0,
    });
    reading += kw * n;
  }
  return out;
}

describe('rating-calc', () => {
  const year = localYearRange(2025, 'Asia/Shanghai');
  const window = { from: year.start - 7 * 86_400_000, to: year.end };
  const counter = (kw: number) =>
    withDayEnds(
      days('Asia/Shanghai', window.from, window.to, kw, 'counter'),
      'Asia/Shanghai',
      window.from,
      window.to,
    );
  const gauge = (kw: number) =>
    withDayEnds(
      days('Asia/Shanghai', window.from, window.to, kw, 'gauge'),
      'Asia/Shanghai',
      window.from,
      window.to,
    );

  it('prefers energy counters, falls back to power gauges per quantity', () => {
    const inputs = chooseInputs(
      { facilityEnergy: counter(1000), facilityPower: gauge(999), itPower: gauge(800), itEnergy: [] },
      year,
    );
    expect(inputs.facility?.source).toBe('counter');
    expect(inputs.it?.source).toBe('power');
    const { row } = computeRating(site, inputs, year);
    expect(row.pueCategory).toBe(2);
    expect(row.sources).toEqual({ facility: 'counter', it: 'power' });
    expect(row.pue).toBeCloseTo(1.25, 3);
  });

  it('pairs facility and IT over the same days: a gap in IT power is cut from the facility counter too', () => {
    const july = Date.parse('2025-07-01T00:00:00+08:00');
    const itPower = gauge(800).filter((d) => d.bucket < july || d.bucket >= july + 10 * 86_400_000);
    const inputs = chooseInputs({ facilityEnergy: counter(1000), itPower }, year);
    const { row, gaps } = computeRating(site, inputs, year);
    // Divided as measured, 10 days of IT missing would read 1.25 as 1.285 and grade it 2.
    expect(row.pue).toBeCloseTo(1.25, 9);
    expect(gaps.it).toHaveLength(1);
    expect(row.coverage).toBeCloseTo(1 - (10 * 24 + 1) / (365 * 24), 9); // 30 Jun 23:00 → 11 Jul 00:00
    expect(row.coverageBy.facility).toBe(1);
    expect(row.energy.facilityKwh / row.energy.itKwh).toBeCloseTo(1.25, 9);
  });

  it('divides water by the IT energy of the days the water meter measured (installed in July)', () => {
    const july = Date.parse('2025-07-01T00:00:00+08:00');
    const water = withDayEnds(
      days('Asia/Shanghai', july, window.to, 0.8, 'counter'), // 0.8 m³/h at 800 kW IT: 1.0 L/kWh
      'Asia/Shanghai',
      july,
      window.to,
    );
    const inputs = chooseInputs({ facilityEnergy: counter(1000), itPower: gauge(800), water }, year);
    const { row } = computeRating(site, inputs, year);
    // Over the whole year's IT energy it read 0.5; left: the hour before the first reading (0.02 %).
    expect(row.wue).toBeCloseTo(1.0, 3);
    expect(row.coverageBy.water).toBeCloseTo(184 / 365, 2); // reported with its period length
    expect(row.pue).toBeCloseTo(1.25, 9);
  });

  it('does not grade an edge site (≤ 100 racks, outside GB 40879), and says why', () => {
    const edge = { ...site, racks: 60 } as SiteEntity;
    const { row } = computeRating(
      edge,
      chooseInputs({ facilityEnergy: counter(1150), itEnergy: counter(1000) }, year),
      year,
    );
    expect(row).toMatchObject({
      status: 'final',
      grade: null,
      outOfScope: expect.stringMatching(/edge data center/),
    });
    expect(
      computeRating(
        site,
        chooseInputs({ facilityEnergy: counter(1150), itEnergy: counter(1000) }, year),
        year,
      ).row,
    ).toMatchObject({ grade: 1, outOfScope: null });
  });

  it('rates a site without meters as insufficient data with the whole period as a gap', () => {
    const { row, gaps } = computeRating(site, chooseInputs({}, year), year);
    expect(row).toMatchObject({
      status: 'insufficient-data',
      pue: null,
      coverage: 0,
      sources: { facility: null, it: null },
    });
    expect(gaps.facility).toEqual([{ from: year.start, to: year.end }]);
  });

  it('cuts the gaps of a running period at now: the future is not a data gap', () => {
    const now = year.start + 200 * 24 * HOUR;
    const { gaps } = computeRating(site, chooseInputs({}, year), year, {}, false);
    expect(gapsUntil(gaps.facility, now)).toEqual([{ from: year.start, to: now }]);
    const later = [
      { from: year.start, to: year.start + HOUR * 3 },
      { from: now - HOUR, to: now + HOUR, bridged: true },
      { from: now + 5 * HOUR, to: year.end },
    ];
    expect(gapsUntil(later, now)).toEqual([
      { from: year.start, to: year.start + HOUR * 3 },
      { from: now - HOUR, to: now, bridged: true },
    ]);
    // An ended period keeps every gap.
    expect(gapsUntil(gaps.facility, year.end + HOUR)).toEqual([{ from: year.start, to: year.end }]);
  });

  it('reports buckets of another time zone as unratable instead of failing', () => {
    const utc = withDayEnds(
      days('UTC', window.from, window.to, 1000, 'counter'),
      'UTC',
      window.from,
      window.to,
    );
    const { row, rating } = computeRating(
      site,
      chooseInputs({ facilityEnergy: utc, itEnergy: utc }, year),
      year,
    );
    expect(rating).toBeNull();
    expect(row.status).toBe('insufficient-data');
    expect(row.dataError).toMatch(/time zone Asia\/Shanghai/);
  });

  it('lists the 12 local months of a trailing period across the new year', () => {
    const months = monthsOf({ start: Date.UTC(2025, 10, 1) - 8 * HOUR }, 'Asia/Shanghai');
    expect(months.map((m) => `${m.year}-${m.month}`)).toEqual([
      '2025-11',
      '2025-12',
      '2026-1',
      '2026-2',
      '2026-3',
      '2026-4',
      '2026-5',
      '2026-6',
      '2026-7',
      '2026-8',
      '2026-9',
      '2026-10',
    ]);
    expect(months[1]!.end).toBe(Date.UTC(2026, 0, 1) - 8 * HOUR);
  });
});
