import { describe, expect, it } from 'vitest';
import { canAccess, canManageAlarmRules, hrefFor, navItems, parseHash, sectionOf } from './routes';

describe('parseHash', () => {
  it('recognises the plain routes', () => {
    expect(parseHash('#/login').route).toEqual({ name: 'login' });
    expect(parseHash('#/fleet').route).toEqual({ name: 'fleet' });
    expect(parseHash('#fleet?x=1').route).toEqual({ name: 'fleet' });
    expect(parseHash('#/alarms').route).toEqual({ name: 'alarms' });
    expect(parseHash('#/ratings').route).toEqual({ name: 'ratings' });
    expect(parseHash('#/admin').route).toEqual({ name: 'admin' });
  });

  it('reads site codes and the query', () => {
    expect(parseHash('#/sites/GZ-GA-01?range=24h')).toEqual({
      route: { name: 'site', code: 'GZ-GA-01' },
      query: { range: '24h' },
    });
    expect(parseHash('#/ratings/GZ-GA-01?year=2025')).toEqual({
      route: { name: 'report', code: 'GZ-GA-01' },
      query: { year: '2025' },
    });
  });

  it('an empty hash is the fleet; anything else is not found', () => {
    expect(parseHash('').route).toEqual({ name: 'fleet' });
    expect(parseHash('#/').route).toEqual({ name: 'fleet' });
    expect(parseHash('#/nope').route).toEqual({ name: 'notFound' });
    expect(parseHash('#/sites/lower-case').route).toEqual({ name: 'notFound' });
    expect(parseHash('#/sites/GZ-GA-01/extra').route).toEqual({ name: 'notFound' });
  });
});

describe('hrefFor', () => {
  it('builds hashes that parse back', () => {
    const href = hrefFor({ name: 'report', code: 'GZ-GA-01' }, { year: 2025, empty: '' });
    expect(href).toBe('#/ratings/GZ-GA-01?year=2025');
    expect(parseHash(href).route).toEqual({ name: 'report', code: 'GZ-GA-01' });
    expect(hrefFor({ name: 'fleet' })).toBe('#/fleet');
  });
});

describe('role rules', () => {
  it('regulators see neither alarms nor admin', () => {
    expect(navItems('regulator').map((i) => i.name)).toEqual(['fleet', 'ratings']);
    expect(canAccess('admin', 'regulator')).toBe(false);
    expect(canAccess('alarms', 'regulator')).toBe(false);
    expect(canAccess('report', 'regulator')).toBe(true);
  });

  it('operators get alarms but not admin; admins get everything', () => {
    expect(navItems('operator').map((i) => i.name)).toEqual(['fleet', 'alarms', 'ratings']);
    expect(navItems('admin').map((i) => i.name)).toEqual(['fleet', 'alarms', 'ratings', 'admin']);
  });

  it('maps detail pages to their section', () => {
    expect(sectionOf({ name: 'site', code: 'X1' })).toBe('fleet');
    expect(sectionOf({ name: 'report', code: 'X1' })).toBe('ratings');
    expect(sectionOf({ name: 'login' })).toBeNull();
  });
});

describe('canManageAlarmRules', () => {
  it('only admins change alarm rules (operators read them through the API)', () => {
    expect(canManageAlarmRules('admin')).toBe(true);
    expect(canManageAlarmRules('operator')).toBe(false);
    expect(canManageAlarmRules('regulator')).toBe(false);
  });
});
