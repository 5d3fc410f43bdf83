/** A test alarm (specs only): an active, unacknowledged inlet warning at GZ-GA-01. */
import type { AlarmInfo } from '@dcfleet/contracts';

export function alarm(id: number, patch: Partial<AlarmInfo> = {}): AlarmInfo {
  return {
    id,
    datacenter: 'GZ-GA-01',
    rule: 'inlet_temp',
    severity: 'warning',
    state: 'active',
    message: 'Inlet above 27 °C',
    raisedAt: `2026-11-29T08:0${id}:00Z`,
    clearedAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    ...patch,
  };
}
