import type { EedExport, EligibilityExport, RatingDetailResponse, RatingsResponse } from '@dcfleet/contracts';
import { useQuery, type QueryResult } from '../../../api/query-cache';
import {
  eedKey,
  eligibilityKey,
  fetchEed,
  fetchEligibility,
  fetchRating,
  fetchRatings,
  ratingKey,
  ratingsKey,
} from '../api/ratings-api';

/** One row per site for a year plus the energy-weighted fleet row; `rating:revised` refetches it. */
export function useRatingsQuery(year: number): QueryResult<RatingsResponse> {
  return useQuery(ratingsKey(year), (signal) => fetchRatings(year, signal), { staleMs: 60_000 });
}

/** A site's rating with monthly breakdown, evidence and revisions. */
export function useRatingQuery(code: string, year: number): QueryResult<RatingDetailResponse> {
  return useQuery(ratingKey(code, year), (signal) => fetchRating(code, year, signal), { staleMs: 60_000 });
}

/** National green data center eligibility of every site for a year (regulator view). */
export function useEligibilityQuery(year: number, enabled = true): QueryResult<EligibilityExport> {
  return useQuery(eligibilityKey(year), (signal) => fetchEligibility(year, signal), {
    staleMs: 60_000,
    enabled,
  });
}

/** The EU EED annual report of every site for a year (regulator view). */
export function useEedQuery(year: number, enabled = true): QueryResult<EedExport> {
  return useQuery(eedKey(year), (signal) => fetchEed(year, signal), { staleMs: 60_000, enabled });
}
