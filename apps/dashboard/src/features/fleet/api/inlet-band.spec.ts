import { describe, expect, it } from 'vitest';
import { inletBand } from './inlet-band';

describe('hottest inlet colour', () => {
  it('follows the ASHRAE recommended and allowable bands', () => {
    expect(inletBand(22)).toBe('ok');
    expect(inletBand(27)).toBe('ok');
    expect(inletBand(27.5)).toBe('warning');
    expect(inletBand(17)).toBe('warning');
    expect(inletBand(32)).toBe('warning');
    expect(inletBand(34.5)).toBe('critical');
    expect(inletBand(14)).toBe('critical');
    expect(inletBand(null)).toBe('none');
  });

  it('takes other bands (a retuned rule)', () => {
    const bands = { warning: { low: 18, high: 28 }, critical: { low: 15, high: 35 } };
    expect(inletBand(27.5, bands)).toBe('ok');
    expect(inletBand(34.5, bands)).toBe('warning');
  });
});
