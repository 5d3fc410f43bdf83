import {
  API_PREFIX,
  type EedExport,
  type EligibilityExport,
  type RatingDetailResponse,
  type RatingsResponse,
} from '@dcfleet/contracts';
import { queryOptions } from '@tanstack/react-query';
import { ApiError, request, requestBlob } from '../../../api/client';
import type { RatingPeriod } from './ratings-search';

/** The API's query for a period: `year=2025` or `period=trailing12`. */
export function periodParam(period: RatingPeriod): string {
  return period === 'trailing12' ? 'period=trailing12' : `year=${period}`;
}

/** Cache keys: the fleet's ratings and exports by year, and each site's rating; `rating:revised` invalidates them. */
export const RATINGS_KEY = ['ratings'] as const;
export const RATING_KEY = ['rating'] as const;

/** One row per site for a period plus the energy-weighted fleet row. */
export const ratingsQuery = (year: RatingPeriod) =>
  queryOptions({
    queryKey: [...RATINGS_KEY, year],
    queryFn: ({ signal }) => fetchRatings(year, signal),
    staleTime: 60_000,
  });

/** A site's rating with monthly breakdown, evidence and revisions. */
export const ratingQuery = (code: string, year: RatingPeriod) =>
  queryOptions({
    queryKey: [...RATING_KEY, code, year],
    queryFn: ({ signal }) => fetchRating(code, year, signal),
    staleTime: 60_000,
  });

/** National green data center eligibility of every site for a year (regulator view). */
export const eligibilityQuery = (year: number) =>
  queryOptions({
    queryKey: [...RATINGS_KEY, 'eligibility', year],
    queryFn: ({ signal }) => fetchEligibility(year, signal),
    staleTime: 60_000,
  });

/** The EU EED annual report of every site for a year (regulator view). */
export const eedQuery = (year: number) =>
  queryOptions({
    queryKey: [...RATINGS_KEY, 'eed', year],
    queryFn: ({ signal }) => fetchEed(year, signal),
    staleTime: 60_000,
  });

export function fetchRatings(period: RatingPeriod, signal: AbortSignal): Promise<RatingsResponse> {
  return request<RatingsResponse>(`${API_PREFIX}/ratings?${periodParam(period)}`, { signal });
}

export function fetchRating(
  code: string,
  period: RatingPeriod,
  signal: AbortSignal,
): Promise<RatingDetailResponse> {
  return request<RatingDetailResponse>(
    `${API_PREFIX}/ratings/${encodeURIComponent(code)}?${periodParam(period)}`,
    { signal },
  );
}

export function fetchEligibility(year: number, signal: AbortSignal): Promise<EligibilityExport> {
  return request<EligibilityExport>(`${API_PREFIX}/ratings/eligibility?year=${year}`, { signal });
}

export function fetchEed(year: number, signal: AbortSignal): Promise<EedExport> {
  return request<EedExport>(`${API_PREFIX}/ratings/eed?year=${year}`, { signal });
}

/** The year's CSV downloads: the ratings table and the regulator exports (eligibility, EU EED). */
export type RatingsDownload = 'ratings' | 'eligibility' | 'eed';

const DOWNLOAD_PATHS: Record<RatingsDownload, string> = {
  ratings: 'ratings.csv',
  eligibility: 'ratings/eligibility.csv',
  eed: 'ratings/eed.csv',
};

/** Downloads one of the period's CSVs with the session's token and saves it under the server's file name. */
export async function downloadRatingsCsv(
  period: RatingPeriod,
  what: RatingsDownload = 'ratings',
): Promise<void> {
  const { blob, filename } = await requestBlob(
    `${API_PREFIX}/${DOWNLOAD_PATHS[what]}?${periodParam(period)}`,
  );
  if (blob.size === 0) throw new ApiError('empty file', 204);
  saveBlob(blob, filename ?? `dcfleet-${what}-${period}.csv`);
}

/** Saves a blob as a download under `filename` (the browser's download, not a new tab). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
