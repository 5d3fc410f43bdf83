import { describe, expect, it } from 'vitest';
import { navItems, sectionOf } from './nav';

describe('navigation', () => {
  it('offers each role only the pages it may open', () => {
    expect(navItems('regulator')).toEqual(['fleet', 'ratings']);
    expect(navItems('operator')).toEqual(['fleet', 'alarms', 'ratings']);
    expect(navItems('admin')).toEqual(['fleet', 'alarms', 'ratings', 'admin']);
  });

  it('maps detail pages to their section', () => {
    expect(sectionOf('site')).toBe('fleet');
    expect(sectionOf('report')).toBe('ratings');
    expect(sectionOf('admin')).toBe('admin');
    expect(sectionOf('login')).toBeNull();
    expect(sectionOf(undefined)).toBeNull();
  });
});
