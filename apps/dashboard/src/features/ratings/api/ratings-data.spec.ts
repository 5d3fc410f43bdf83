import type { MonthlyRatingRow, RatingRow, RatingsResponse } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import {
  factorOrigin,
  gapHours,
  meterFlags,
  gradeClass,
  monthlyPueData,
  monthlyPueOptions,
  DEFAULT_GRADES,
  gradeLegend,
  hasData,
  inMonthOrder,
  pueColor,
  yearsWithData,
  sortRatings,
} from './ratings-data';
import { defaultYear } from './ratings-search';

function row(code: string, patch: Partial<RatingRow> = {}): RatingRow {
  return {
    code,
    name: code,
    hub: null,
    from: '2025-01-01T00:00:00.000Z',
    to: '2026-01-01T00:00:00.000Z',
    pue: null,
    pueCategory: 1,
    status: 'final',
    coverage: 1,
    grade: null,
    meetsHubTarget: null,
    wue: null,
    cue: null,
    cueLocation: null,
    ref: null,
    erf: null,
    ere: null,
    dcie: null,
    meteringFault: false,
    faultReasons: [],
    coverageBy: { facility: 1, it: 1, renewable: null, reused: null, water: null },
    sources: { facility: 'counter', it: 'counter' },
    energy: {
      facilityKwh: 0,
      itKwh: 0,
      renewableKwh: null,
      reusedKwh: null,
      waterM3: null,
      co2Kg: null,
      co2LocationKg: null,
    },
    ...patch,
  };
}

function month(m: number, patch: Partial<MonthlyRatingRow> = {}): MonthlyRatingRow {
  const mm = String(m).padStart(2, '0');
  return {
    year: 2025,
    month: m,
    from: `2025-${mm}-01T00:00:00.000Z`,
    to: m === 12 ? '2026-01-01T00:00:00.000Z' : `2025-${String(m + 1).padStart(2, '0')}-01T00:00:00.000Z`,
    facilityKwh: 0,
    itKwh: 0,
    pue: null,
    coverage: 0,
    ...patch,
  };
}

describe('sortRatings', () => {
  const rows = [
    row('C1', { pue: 1.45, grade: 3, status: 'interim' }),
    row('A1', { pue: 1.19, grade: 1 }),
    row('B1', { pue: null, grade: null, status: 'insufficient-data' }),
    row('D1', { pue: 1.6, grade: 'below-limit' }),
  ];
  it('sorts numbers both ways with missing values last', () => {
    expect(sortRatings(rows, 'pue', 'asc').map((r) => r.code)).toEqual(['A1', 'C1', 'D1', 'B1']);
    expect(sortRatings(rows, 'pue', 'desc').map((r) => r.code)).toEqual(['D1', 'C1', 'A1', 'B1']);
  });
  it('orders grades 1 < 2 < 3 < below-limit and statuses final < interim < insufficient', () => {
    expect(sortRatings(rows, 'grade', 'asc').map((r) => r.code)).toEqual(['A1', 'C1', 'D1', 'B1']);
    expect(sortRatings(rows, 'status', 'asc').map((r) => r.code)).toEqual(['A1', 'D1', 'C1', 'B1']);
    expect(sortRatings(rows, 'code', 'desc').map((r) => r.code)).toEqual(['D1', 'C1', 'B1', 'A1']);
  });
});

describe('grades and colours', () => {
  it('maps grades to badge classes', () => {
    expect(gradeClass(1)).toBe('grade-1');
    expect(gradeClass('below-limit')).toBe('grade-below');
    expect(gradeClass(null)).toBe('grade-none');
  });
  it('colours a PUE by the grade band it falls in', () => {
    const grades = [
      { grade: 1, maxPue: 1.2 },
      { grade: 2, maxPue: 1.3 },
      { grade: 3, maxPue: 1.5 },
    ];
    expect(pueColor(1.2, grades)).toBe('#2f9e44');
    expect(pueColor(1.25, grades)).toBe('#1c7ed6');
    expect(pueColor(1.5, grades)).toBe('#e8590c');
    expect(pueColor(1.51, grades)).toBe('#c92a2a');
    expect(pueColor(null, grades)).toBe('#868e96');
  });
});

describe('data gaps', () => {
  it('sums their hours', () => {
    const gaps = [
      { from: '2025-01-01T00:00:00Z', to: '2025-01-01T03:00:00Z' },
      { from: '2025-01-02T00:00:00Z', to: '2025-01-02T00:30:00Z' },
    ];
    expect(gapHours(gaps)).toBe(3.5);
    expect(gapHours([])).toBe(0);
  });
});

describe('monthly PUE chart', () => {
  it('has one bar per month in order, empty where there is no PUE', () => {
    const data = monthlyPueData(
      [month(2), month(1, { facilityKwh: 120, itKwh: 100, pue: 1.2000004, coverage: 1 })],
      (m) => `M${m}`,
      'PUE',
    );
    expect(data.labels).toEqual(['M1', 'M2']);
    expect(data.datasets[0]!.data).toEqual([1.2, null]);
  });
  it('draws the hub target as a reference line (named in the legend, not behind the bars) with titled axes', () => {
    const o = monthlyPueOptions({
      xTitle: 'Month',
      yTitle: 'PUE (ratio)',
      target: 1.25,
    });
    expect(o.plugins!.bands!.lines).toEqual([{ value: 1.25, color: '#c92a2a', label: '' }]);
    expect((o.scales!.y as { title: { text: string } }).title.text).toBe('PUE (ratio)');
    expect((o.scales!.y as { min: number }).min).toBe(1);
    expect(
      (monthlyPueOptions({ xTitle: '', yTitle: '', target: null, lowest: 0.93 }).scales!.y as { min: number })
        .min,
    ).toBe(0.9);
  });
});

describe('legend and month order', () => {
  it('lists each grade with its bound, then below the limit and no PUE, in the bars’ colours', () => {
    expect(gradeLegend(DEFAULT_GRADES)).toEqual([
      { kind: 'grade', grade: 1, maxPue: 1.2, color: pueColor(1.1, DEFAULT_GRADES) },
      { kind: 'grade', grade: 2, maxPue: 1.3, color: pueColor(1.25, DEFAULT_GRADES) },
      { kind: 'grade', grade: 3, maxPue: 1.5, color: pueColor(1.4, DEFAULT_GRADES) },
      { kind: 'below', color: pueColor(1.8, DEFAULT_GRADES) },
      { kind: 'none', color: pueColor(null, DEFAULT_GRADES) },
    ]);
  });

  it('orders a trailing period from December into the next year', () => {
    const m = (year: number, month: number) => ({ year, month }) as MonthlyRatingRow;
    expect(inMonthOrder([m(2026, 1), m(2025, 12), m(2026, 11)]).map((x) => x.month)).toEqual([12, 1, 11]);
  });
});

describe('years with data', () => {
  const table = (coverage: number) =>
    ({ sites: [{ coverage, pue: coverage ? 1.3 : null }] }) as RatingsResponse;
  it('keeps the years with data and asks for an older one while the oldest asked has data', () => {
    expect(yearsWithData(2026, [table(0.9), table(1)])).toEqual({ years: [2026, 2025], more: true });
    expect(yearsWithData(2026, [table(0.9), table(1), table(0)])).toEqual({
      years: [2026, 2025],
      more: false,
    });
    expect(yearsWithData(2026, [table(0.9), undefined])).toEqual({ years: [2026], more: false });
    expect(yearsWithData(2026, [table(0), table(0.5)])).toEqual({ years: [2025], more: true });
    expect(yearsWithData(2001, [table(1), table(1)], 2000)).toEqual({ years: [2001, 2000], more: false });
    expect(hasData({ sites: [] } as unknown as RatingsResponse)).toBe(false);
  });
});

describe('years', () => {
  const now = new Date('2026-11-29T00:00:00Z');
  it('defaults to last year', () => {
    expect(defaultYear(now)).toBe(2025);
  });
});

describe('row facts', () => {
  const quality = (replacements: number, glitches: number) => ({
    replacements,
    glitches,
    glitchDropKwh: glitches * 0.5,
    events: [],
    truncated: false,
  });

  it('sums meter replacements and glitches over facility and IT; none without counters', () => {
    expect(meterFlags(row('A'))).toBeNull();
    expect(meterFlags(row('B', { meters: { facility: null, it: null } }))).toBeNull();
    expect(meterFlags(row('C', { meters: { facility: quality(1, 2), it: quality(0, 3) } }))).toEqual({
      replacements: 1,
      glitches: 5,
    });
  });

  it("names an emission factor's region and year", () => {
    expect(
      factorOrigin({ factor: 0.3869, kind: 'region', region: 'CN-South', year: 2022, source: 'MEE' }),
    ).toEqual({ kind: 'region', where: 'CN-South 2022' });
    expect(factorOrigin({ factor: 0.6, kind: 'site', region: null, year: null, source: 'own' })).toEqual({
      kind: 'site',
      where: '',
    });
  });
});
