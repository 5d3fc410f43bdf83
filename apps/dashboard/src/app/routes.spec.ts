import { describe, expect, it } from 'vitest';
import { parseHash } from './routes';

describe('parseHash', () => {
  it('recognises the known routes', () => {
    expect(parseHash('#/login')).toBe('login');
    expect(parseHash('#/fleet')).toBe('fleet');
    expect(parseHash('#fleet?x=1')).toBe('fleet');
  });

  it('falls back to the fleet for anything else', () => {
    expect(parseHash('')).toBe('fleet');
    expect(parseHash('#/nope')).toBe('fleet');
  });
});
