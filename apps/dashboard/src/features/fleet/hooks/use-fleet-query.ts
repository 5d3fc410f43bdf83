import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useI18n } from '../../../i18n/i18n';
import { regionNamesOf, type RegionNames, type UserScope } from '../../../routing/scope';
import { fleetQuery, siteQuery, trendsQuery } from '../api/fleet-api';

export const useFleetQuery = () => useQuery(fleetQuery());

export const useSiteQuery = (code: string) => useQuery(siteQuery(code));

/** One tile's line out of the fleet-wide trends query (one request for all tiles). */
export const useTrendQuery = (code: string) => useQuery({ ...trendsQuery(), select: (all) => all[code] });

/**
 * The Chinese names of a regional regulator's regions, from the sites they see (the fleet list, shared with the
 * search); read only when they are shown: a regions scope in zh-CN.
 */
export function useRegionNames(scope: UserScope): RegionNames {
  const { language } = useI18n();
  const fleet = useQuery({ ...fleetQuery(), enabled: scope.kind === 'regions' && language === 'zh-CN' });
  return useMemo(() => regionNamesOf(fleet.data ?? []), [fleet.data]);
}
