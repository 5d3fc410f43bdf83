import { AuthFailures } from './auth-failures';

describe('AuthFailures', () => {
  it('blocks an address after `limit` failures in the window, until the oldest of them leaves it', () => {
    const f = new AuthFailures(3, 60_000);
    f.fail('10.0.0.1', 0);
    f.fail('10.0.0.1', 10_000);
    expect(f.blockedFor('10.0.0.1', 10_000)).toBe(0);
    f.fail('10.0.0.1', 20_000);
    expect(f.blockedFor('10.0.0.1', 20_000)).toBe(40);
    expect(f.blockedFor('10.0.0.2', 20_000)).toBe(0);
    expect(f.blockedFor('10.0.0.1', 59_999)).toBe(1);
    expect(f.blockedFor('10.0.0.1', 60_000)).toBe(0);
  });

  it('keeps blocking while failures go on, and forgets the least recently failing address beyond its bound', () => {
    const f = new AuthFailures(2, 60_000, 2);
    f.fail('a', 0);
    f.fail('a', 30_000);
    f.fail('a', 50_000);
    // The failure at 0 has left the window; 30 s and 50 s are the last two: blocked until 90 s.
    expect(f.blockedFor('a', 60_001)).toBe(30);
    f.fail('b', 60_002);
    f.fail('c', 60_003);
    expect(f.blockedFor('a', 60_004)).toBe(0);
  });
});
