import { describe, expect, it } from 'vitest';
import { canAccess, canManageAlarmRules, canSeeAlarms } from './access';

describe('role rules', () => {
  it('regulators see neither alarms nor admin, but every site and report', () => {
    expect(canAccess('admin', 'regulator')).toBe(false);
    expect(canAccess('alarms', 'regulator')).toBe(false);
    expect(canAccess('report', 'regulator')).toBe(true);
    expect(canAccess('site', 'regulator')).toBe(true);
    expect(canSeeAlarms('regulator')).toBe(false);
  });

  it('operators get alarms but not admin; admins get everything', () => {
    expect(canAccess('alarms', 'operator')).toBe(true);
    expect(canAccess('admin', 'operator')).toBe(false);
    expect(canSeeAlarms('operator')).toBe(true);
    expect(canAccess('admin', 'admin')).toBe(true);
  });

  it('only admins change alarm rules (operators read them through the API)', () => {
    expect(canManageAlarmRules('admin')).toBe(true);
    expect(canManageAlarmRules('operator')).toBe(false);
    expect(canManageAlarmRules('regulator')).toBe(false);
  });
});
