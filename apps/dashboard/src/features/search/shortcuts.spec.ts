import { describe, expect, it } from 'vitest';
import { shortcutOf, type KeyLike } from './shortcuts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('/ and Ctrl/⌘+K search; ? lists the shortcuts', () => {
    expect(shortcutOf(key('/'), false, false)).toBe('search');
    expect(shortcutOf(key('k', { ctrlKey: true }), false, false)).toBe('search');
    expect(shortcutOf(key('K', { metaKey: true }), false, false)).toBe('search');
    expect(shortcutOf(key('?'), false, false)).toBe('help');
  });

  it('leaves the keys of someone typing alone, Ctrl/⌘+K aside', () => {
    expect(shortcutOf(key('/'), true, false)).toBeNull();
    expect(shortcutOf(key('g'), true, false)).toBeNull();
    expect(shortcutOf(key('k', { ctrlKey: true }), true, false)).toBe('search');
    expect(shortcutOf(key('/', { altKey: true }), false, false)).toBeNull();
  });

  it('g then f, a or r goes to the fleet, alarms or ratings; another key cancels', () => {
    expect(shortcutOf(key('g'), false, false)).toBe('g');
    expect(shortcutOf(key('f'), false, true)).toBe('go-fleet');
    expect(shortcutOf(key('a'), false, true)).toBe('go-alarms');
    expect(shortcutOf(key('r'), false, true)).toBe('go-ratings');
    expect(shortcutOf(key('x'), false, true)).toBeNull();
    expect(shortcutOf(key('f'), false, false)).toBeNull();
  });
});
