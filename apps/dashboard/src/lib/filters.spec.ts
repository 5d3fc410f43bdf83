import { describe, expect, it } from 'vitest';
import { activeFilterCount } from './filters';

describe('activeFilterCount', () => {
  it('counts only the filters set to a value', () => {
    expect(activeFilterCount([])).toBe(0);
    expect(activeFilterCount(['', '', ''])).toBe(0);
    expect(activeFilterCount(['Guiyang', '', 'stale'])).toBe(2);
    expect(activeFilterCount([undefined, 'critical', null, 'inlet_temp'])).toBe(2);
  });
});
