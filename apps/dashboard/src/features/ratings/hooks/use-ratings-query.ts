import type { RatingDetailResponse, RatingsResponse } from '@dcfleet/contracts';
import { useQuery, type QueryResult } from '../../../api/query-cache';
import { fetchRating, fetchRatings, ratingKey, ratingsKey } from '../api/ratings-api';

/** One row per site for a year plus the energy-weighted fleet row; `rating:revised` refetches it. */
export function useRatingsQuery(year: number): QueryResult<RatingsResponse> {
  return useQuery(ratingsKey(year), (signal) => fetchRatings(year, signal), { staleMs: 60_000 });
}

/** A site's rating with monthly breakdown, evidence and revisions. */
export function useRatingQuery(code: string, year: number): QueryResult<RatingDetailResponse> {
  return useQuery(ratingKey(code, year), (signal) => fetchRating(code, year, signal), { staleMs: 60_000 });
}
