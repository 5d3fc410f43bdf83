import { describe, expect, it } from 'vitest';
import { buildCsv, exportName, isoWithOffset, zoomSearch } from './chart-export';

const t = (iso: string) => Date.parse(iso);
const shanghai = () => 480;

describe('isoWithOffset', () => {
  it('writes local time with the offset', () => {
    expect(isoWithOffset(t('2026-12-07T14:05:00Z'), shanghai)).toBe('2026-12-07T22:05:00+08:00');
    expect(isoWithOffset(t('2026-12-07T00:30:00Z'), () => -210)).toBe('2026-12-06T21:00:00-03:30');
    expect(isoWithOffset(t('2026-12-07T00:30:00Z'), () => 0)).toBe('2026-12-07T00:30:00+00:00');
  });
});

describe('buildCsv', () => {
  it('one column per series, one row per instant, empty cells for gaps, only inside the range', () => {
    const csv = buildCsv(
      [
        {
          label: 'Zone A1',
          data: [
            { x: t('2026-12-07T00:00:00Z'), y: 22.5 },
            { x: t('2026-12-07T01:00:00Z'), y: null },
            { x: t('2026-12-07T02:00:00Z'), y: 23 },
          ],
        },
        {
          label: 'Zone "B", hall 2',
          data: [
            { x: t('2026-12-07T01:00:00Z'), y: 0.1 + 0.2 },
            { x: t('2026-12-07T09:00:00Z'), y: 1 },
          ],
        },
      ],
      { from: t('2026-12-07T00:00:00Z'), to: t('2026-12-07T03:00:00Z') },
      shanghai,
    );
    expect(csv.split('\r\n')).toEqual([
      'time,Zone A1,"Zone ""B"", hall 2"',
      '2026-12-07T08:00:00+08:00,22.5,',
      '2026-12-07T09:00:00+08:00,,0.3',
      '2026-12-07T10:00:00+08:00,23,',
      '',
    ]);
  });
});

describe('zoomSearch (drag-to-zoom → URL range)', () => {
  it('orders the ends and rounds them to seconds', () => {
    expect(zoomSearch(t('2026-12-07T02:00:00.400Z'), t('2026-12-07T01:00:00.600Z'))).toEqual({
      range: 'custom',
      from: '2026-12-07T01:00:01.000Z',
      to: '2026-12-07T02:00:00.000Z',
    });
  });

  it('ignores a selection under one minute', () => {
    expect(zoomSearch(0, 59_000)).toBeUndefined();
    expect(zoomSearch(NaN, 120_000)).toBeUndefined();
  });
});

describe('exportName', () => {
  it('names the site, the chart and the range', () => {
    const range = { from: t('2026-12-07T01:00:00Z'), to: t('2026-12-07T02:30:00Z') };
    expect(exportName('GZ1', 'inlet', range, 'csv')).toBe(
      'dcfleet-GZ1-inlet-20261207T0100-20261207T0230.csv',
    );
  });
});
