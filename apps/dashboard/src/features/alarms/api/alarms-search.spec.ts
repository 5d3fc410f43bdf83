import { describe, expect, it } from 'vitest';
import { alarmsSearch, alarmView } from './alarms-search';

describe('alarms URL state', () => {
  it('shows the active alarms unless the history is asked for', () => {
    expect(alarmView(alarmsSearch({}))).toBe('active');
    expect(alarmView(alarmsSearch({ view: 'all' }))).toBe('all');
    expect(alarmsSearch({ view: 'active' })).toEqual({ view: undefined });
  });
});
