import { describe, expect, it } from 'vitest';
import { siteSearch } from './site-search';

describe('site URL state', () => {
  it('keeps a known range', () => {
    expect(siteSearch({ range: '24h' })).toEqual({ range: '24h', from: undefined, to: undefined });
    expect(siteSearch({ range: 'live' }).range).toBe('live');
  });

  it('keeps a custom range with a valid span, as written', () => {
    const from = '2026-11-01T00:00:00.000Z';
    expect(siteSearch({ range: 'custom', from, to: '1796083200000' })).toEqual({
      range: 'custom',
      from,
      to: '1796083200000',
    });
  });

  it('drops unknown ranges and custom ranges without a valid span', () => {
    const none = { range: undefined, from: undefined, to: undefined };
    expect(siteSearch({ range: 'bogus' })).toEqual(none);
    expect(siteSearch({ range: 'custom', from: '2026-11-02', to: '2026-11-01' })).toEqual(none);
    expect(siteSearch({ range: 'custom' })).toEqual(none);
    expect(siteSearch({})).toEqual(none);
  });
});
