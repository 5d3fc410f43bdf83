import { describe, expect, it } from 'vitest';
import { oneOf, parseSearch, stringifySearch, text } from './search';

describe('search strings', () => {
  it('parses plain strings, never JSON', () => {
    expect(parseSearch('?year=2025&view=eed')).toEqual({ year: '2025', view: 'eed' });
    expect(parseSearch('from=2026-11-01T00%3A00%3A00.000Z')).toEqual({ from: '2026-11-01T00:00:00.000Z' });
    expect(parseSearch('')).toEqual({});
  });

  it('writes what the old hash router wrote, leaving out empty values', () => {
    expect(stringifySearch({ year: 2025, view: undefined, empty: '', none: null })).toBe('?year=2025');
    expect(stringifySearch({ range: 'custom', from: '2026-11-01T00:00:00.000Z' })).toBe(
      '?range=custom&from=2026-11-01T00%3A00%3A00.000Z',
    );
    expect(stringifySearch({})).toBe('');
  });

  it('round-trips', () => {
    const search = { region: 'Gui an', status: 'stale' };
    expect(parseSearch(stringifySearch(search))).toEqual(search);
  });

  it('validates single values', () => {
    expect(oneOf('b', ['a', 'b'] as const)).toBe('b');
    expect(oneOf('c', ['a', 'b'] as const)).toBeUndefined();
    expect(oneOf(1, ['a'] as const)).toBeUndefined();
    expect(text('x')).toBe('x');
    expect(text('')).toBeUndefined();
  });
});
