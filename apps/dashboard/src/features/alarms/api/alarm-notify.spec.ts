import type { AlarmInfo } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import { alarm as base } from './alarm-fixture';
import { newCritical, titleWithCount, unreadIds } from './alarm-notify';

const alarm = (id: number, patch: Partial<AlarmInfo> = {}) => base(id, { severity: 'critical', ...patch });

describe('critical alarm notifier', () => {
  it('reports only active critical alarms not seen before', () => {
    const list = [alarm(1), alarm(2), alarm(3, { severity: 'warning' }), alarm(4, { state: 'cleared' })];
    expect(newCritical(new Set([1]), list).map((a) => a.id)).toEqual([2]);
  });

  it('forgets unread alarms once acknowledged or cleared', () => {
    const list = [alarm(1), alarm(2, { acknowledgedAt: '2026-11-29T08:01:00Z' })];
    expect([...unreadIds(new Set([1, 2, 3]), list)]).toEqual([1]);
  });

  it('puts the unread count in front of the title, once', () => {
    expect(titleWithCount('dcfleet', 2)).toBe('(2) dcfleet');
    expect(titleWithCount('(2) dcfleet', 3)).toBe('(3) dcfleet');
    expect(titleWithCount('(3) dcfleet', 0)).toBe('dcfleet');
  });
});
