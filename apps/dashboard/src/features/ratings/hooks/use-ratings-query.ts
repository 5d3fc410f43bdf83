import { useQuery } from '@tanstack/react-query';
import { eedQuery, eligibilityQuery, ratingQuery, ratingsQuery } from '../api/ratings-api';

export const useRatingsQuery = (year: number) => useQuery(ratingsQuery(year));

export const useRatingQuery = (code: string, year: number) => useQuery(ratingQuery(code, year));

export const useEligibilityQuery = (year: number) => useQuery(eligibilityQuery(year));

export const useEedQuery = (year: number) => useQuery(eedQuery(year));
