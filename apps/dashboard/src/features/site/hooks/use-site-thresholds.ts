import type { Role } from '@dcfleet/contracts';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { canSeeAlarms } from '../../../routing/access';
import { DEFAULT_THRESHOLDS, thresholdsOf, type Thresholds } from '../api/chart-overlays';
import { siteAlarmRulesQuery } from '../api/site-api';

/**
 * The alarm thresholds in force at a site: its effective rules for admins and operators, the built-in defaults
 * for regulators (the API lets them read neither rules nor alarms).
 */
export function useSiteThresholds(code: string, role: Role): Thresholds {
  const rules = useQuery({ ...siteAlarmRulesQuery(code), enabled: canSeeAlarms(role) });
  return useMemo(
    () => (rules.data ? thresholdsOf(rules.data, code) : DEFAULT_THRESHOLDS),
    [rules.data, code],
  );
}
