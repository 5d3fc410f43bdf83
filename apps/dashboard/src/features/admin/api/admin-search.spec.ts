import { describe, expect, it } from 'vitest';
import { adminSearch, adminTab, adminTabs } from './admin-search';

describe('admin URL state', () => {
  it('opens the sites screen unless another known screen is named', () => {
    expect(adminTab(adminSearch({}))).toBe('sites');
    expect(adminTab(adminSearch({ tab: 'tokens' }))).toBe('tokens');
    expect(adminTab(adminSearch({ tab: 'alarms' }))).toBe('alarms');
    expect(adminTab(adminSearch({ tab: 'organizations' }))).toBe('organizations');
    expect(adminSearch({ tab: 'sites' })).toEqual({ tab: undefined });
    expect(adminSearch({ tab: 'root' })).toEqual({ tab: undefined });
  });

  it("an organisation's admin gets no Organisations screen, even by URL", () => {
    expect(adminTabs(true)).toContain('organizations');
    expect(adminTabs(false)).toEqual(['sites', 'tokens', 'users', 'alarms', 'kiosks']);
    expect(adminTab({ tab: 'organizations' }, false)).toBe('sites');
    expect(adminTab({ tab: 'users' }, false)).toBe('users');
  });
});
