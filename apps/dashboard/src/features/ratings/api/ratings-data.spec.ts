import { describe, expect, it } from 'vitest';
import {
  gapHours,
  gradeClass,
  monthlyPueData,
  monthlyPueOptions,
  normalizeGaps,
  parseYear,
  pueColor,
  selectableYears,
  sortRatings,
} from './ratings-data';
import type { RatingRow } from './ratings-types';

function row(code: string, patch: Partial<RatingRow> = {}): RatingRow {
  return {
    code,
    name: code,
    hub: null,
    pue: null,
    pueCategory: 1,
    status: 'final',
    coverage: 1,
    grade: null,
    meetsHubTarget: null,
    wue: null,
    cue: null,
    ref: null,
    erf: null,
    ere: null,
    meteringFault: false,
    energy: { facilityKwh: 0, itKwh: 0 },
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

describe('evidence', () => {
  it('normalises the gap lists and sums their hours', () => {
    const gaps = { facility: [{ from: '2025-01-01T00:00:00Z', to: '2025-01-01T03:00:00Z' }] };
    expect(
      normalizeGaps({ receiptCount: 0, chainHead: null, chainVerification: null, dataGaps: gaps }),
    ).toEqual({
      facility: gaps.facility,
      it: [],
    });
    expect(
      normalizeGaps({ receiptCount: 0, chainHead: null, chainVerification: null, dataGaps: gaps.facility })
        .facility,
    ).toHaveLength(1);
    expect(normalizeGaps(undefined)).toEqual({ facility: [], it: [] });
    expect(gapHours(gaps.facility)).toBe(3);
  });
});

describe('monthly PUE chart', () => {
  it('has one bar per month in order, empty where there is no PUE', () => {
    const data = monthlyPueData(
      [
        { month: 2, facilityKwh: 0, itKwh: 0, pue: null, coverage: 0 },
        { month: 1, facilityKwh: 120, itKwh: 100, pue: 1.2000004, coverage: 1 },
      ],
      (m) => `M${m}`,
      'PUE',
    );
    expect(data.labels).toEqual(['M1', 'M2']);
    expect(data.datasets[0]!.data).toEqual([1.2, null]);
  });
  it('draws the hub target as a reference line with titled axes', () => {
    const o = monthlyPueOptions({
      xTitle: 'Month',
      yTitle: 'PUE (ratio)',
      target: 1.25,
      targetLabel: 'target',
    });
    expect(o.plugins!.bands!.lines).toEqual([{ value: 1.25, color: '#c92a2a', label: 'target' }]);
    expect((o.scales!.y as { title: { text: string } }).title.text).toBe('PUE (ratio)');
    expect((o.scales!.y as { min: number }).min).toBe(1);
    expect(
      (
        monthlyPueOptions({ xTitle: '', yTitle: '', target: null, targetLabel: '', lowest: 0.93 }).scales!
          .y as { min: number }
      ).min,
    ).toBe(0.9);
  });
});

describe('years', () => {
  const now = new Date('2026-11-29T00:00:00Z');
  it('offers this year back to 2020 and defaults to last year', () => {
    expect(selectableYears(now)[0]).toBe(2026);
    expect(selectableYears(now).at(-1)).toBe(2020);
    expect(parseYear('2024', now)).toBe(2024);
    expect(parseYear('2031', now)).toBe(2025);
    expect(parseYear(undefined, now)).toBe(2025);
  });
});
