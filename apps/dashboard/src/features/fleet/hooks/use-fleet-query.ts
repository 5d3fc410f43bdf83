import { useQuery } from '@tanstack/react-query';
import { fleetQuery, siteQuery, trendsQuery } from '../api/fleet-api';

export const useFleetQuery = () => useQuery(fleetQuery());

export const useSiteQuery = (code: string) => useQuery(siteQuery(code));

/** One tile's line out of the fleet-wide trends query (one request for all tiles). */
export const useTrendQuery = (code: string) => useQuery({ ...trendsQuery(), select: (all) => all[code] });
