import { useQueries, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { eedQuery, eligibilityQuery, ratingQuery, ratingsQuery } from '../api/ratings-api';
import { yearsWithData } from '../api/ratings-data';
import type { RatingPeriod } from '../api/ratings-search';

export const useRatingsQuery = (year: RatingPeriod) => useQuery(ratingsQuery(year));

export const useRatingQuery = (code: string, year: RatingPeriod) => useQuery(ratingQuery(code, year));

export const useEligibilityQuery = (year: number) => useQuery(eligibilityQuery(year));

export const useEedQuery = (year: number) => useQuery(eedQuery(year));

/**
 * The years whose ratings table has data, newest first (undefined until this year's and last year's are in):
 * asks for one older year at a time while the oldest asked has data. Shares the tables' cache entries.
 */
export function useYearsWithData(now = new Date()): number[] | undefined {
  const latest = now.getFullYear();
  const [depth, setDepth] = useState(2);
  const tables = useQueries({
    queries: Array.from({ length: depth }, (_, i) => ratingsQuery(latest - i)),
  }).map((q) => q.data);
  const { years, more } = yearsWithData(latest, tables);
  useEffect(() => {
    if (more) setDepth((d) => d + 1);
  }, [more]);
  return tables.slice(0, 2).every((t) => t !== undefined) ? years : undefined;
}
