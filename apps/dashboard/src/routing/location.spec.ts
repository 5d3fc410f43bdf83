import { describe, expect, it } from 'vitest';
import { createMemoryLocation } from './location';
import { hasNavigated, trackNavigations } from './navigation';

describe('the router’s location', () => {
  it('keeps the search in the href and splits it for the router', () => {
    expect(createMemoryLocation('/fleet?site=GZ-GA-01&view=table').current()).toMatchObject({
      href: '/fleet?site=GZ-GA-01&view=table',
      path: '/fleet',
      search: '?site=GZ-GA-01&view=table',
    });
    expect(createMemoryLocation('/alarms').current()).toMatchObject({ path: '/alarms', search: '' });
  });

  it('pushes, replaces, and adds no entry for the URL already shown', () => {
    const location = createMemoryLocation('/fleet');
    let calls = 0;
    location.subscribe(() => calls++);
    location.navigate('/sites/GZ-GA-01');
    location.navigate('/sites/GZ-GA-01?range=24h', { replace: true, resetScroll: false });
    expect(location.entries).toEqual(['/fleet', '/sites/GZ-GA-01?range=24h']);
    expect(location.current()).toMatchObject({ seq: 2, resetScroll: false });
    // A link to the page shown: no new entry, but a navigation (the page scrolls to the top again).
    location.navigate('/sites/GZ-GA-01?range=24h');
    expect(location.entries).toHaveLength(2);
    expect(location.current()).toMatchObject({ seq: 3, resetScroll: true });
    expect(calls).toBe(3);
  });

  it('counts a navigation for the focus only when the URL changed', () => {
    const location = createMemoryLocation('/fleet');
    trackNavigations(location);
    location.navigate('/fleet');
    expect(hasNavigated()).toBe(false);
    location.navigate('/alarms', { replace: true });
    expect(hasNavigated()).toBe(true);
  });
});
