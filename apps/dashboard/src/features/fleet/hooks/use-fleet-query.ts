import { useQuery } from '@tanstack/react-query';
import { fleetQuery, siteQuery, trendQuery } from '../api/fleet-api';

export const useFleetQuery = () => useQuery(fleetQuery());

export const useSiteQuery = (code: string) => useQuery(siteQuery(code));

export const useTrendQuery = (code: string) => useQuery(trendQuery(code));
