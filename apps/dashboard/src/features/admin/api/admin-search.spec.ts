import { describe, expect, it } from 'vitest';
import { adminSearch, adminTab } from './admin-search';

describe('admin URL state', () => {
  it('opens the sites screen unless another known screen is named', () => {
    expect(adminTab(adminSearch({}))).toBe('sites');
    expect(adminTab(adminSearch({ tab: 'tokens' }))).toBe('tokens');
    expect(adminTab(adminSearch({ tab: 'alarms' }))).toBe('alarms');
    expect(adminSearch({ tab: 'sites' })).toEqual({ tab: undefined });
    expect(adminSearch({ tab: 'root' })).toEqual({ tab: undefined });
  });
});
