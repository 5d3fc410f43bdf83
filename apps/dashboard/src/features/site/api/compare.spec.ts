import type { SeriesResponse } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import { PALETTE } from '../../../components/chart-options';
import { addCompared, COMPARE_MAX, compareLines } from './compare';

describe('addCompared', () => {
  it('adds a site once and stops at COMPARE_MAX sites', () => {
    expect(addCompared(['A'], 'B')).toEqual(['A', 'B']);
    expect(addCompared(['A', 'B'], 'B')).toEqual(['A', 'B']);
    const full = ['A', 'B', 'C', 'D', 'E', 'F'];
    expect(full).toHaveLength(COMPARE_MAX);
    expect(addCompared(full, 'G')).toEqual(full);
  });
});

describe('compareLines', () => {
  it('one line per site in MW, labelled by code; a site still loading has an empty line', () => {
    const resp = (kw: number): SeriesResponse =>
      ({
        series: [{ labels: {}, points: [{ t: '2026-12-07T00:00:00Z', avg: kw }] }],
      }) as unknown as SeriesResponse;
    expect(compareLines(['A', 'B', 'C'], [resp(1500), undefined, resp(2000)])).toEqual([
      { label: 'A', color: PALETTE[0], data: [{ x: Date.parse('2026-12-07T00:00:00Z'), y: 1.5 }] },
      { label: 'B', color: PALETTE[1], data: [] },
      { label: 'C', color: PALETTE[2], data: [{ x: Date.parse('2026-12-07T00:00:00Z'), y: 2 }] },
    ]);
  });
});
