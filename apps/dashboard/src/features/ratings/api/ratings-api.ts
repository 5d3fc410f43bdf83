import {
  API_PREFIX,
  type EedExport,
  type EligibilityExport,
  type RatingDetailResponse,
  type RatingsResponse,
} from '@dcfleet/contracts';
import { ApiError, requestBlob } from '../../../api/client';
import { request } from '../../../api/client';

/** Cache keys; a `rating:revised` event invalidates both prefixes. */
export const RATINGS_PREFIX = 'ratings/';
export const RATING_PREFIX = 'rating/';
export const ratingsKey = (year: number) => `${RATINGS_PREFIX}${year}`;
export const ratingKey = (code: string, year: number) => `${RATING_PREFIX}${code}/${year}`;

export function fetchRatings(year: number, signal: AbortSignal): Promise<RatingsResponse> {
  return request<RatingsResponse>(`${API_PREFIX}/ratings?year=${year}`, { signal });
}

export function fetchRating(code: string, year: number, signal: AbortSignal): Promise<RatingDetailResponse> {
  return request<RatingDetailResponse>(`${API_PREFIX}/ratings/${encodeURIComponent(code)}?year=${year}`, {
    signal,
  });
}

export const eligibilityKey = (year: number) => `${RATINGS_PREFIX}eligibility/${year}`;
export const eedKey = (year: number) => `${RATINGS_PREFIX}eed/${year}`;

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

/** Downloads one of the year's CSVs with the session's token and saves it under the server's file name. */
export async function downloadRatingsCsv(year: number, what: RatingsDownload = 'ratings'): Promise<void> {
  const { blob, filename } = await requestBlob(`${API_PREFIX}/${DOWNLOAD_PATHS[what]}?year=${year}`);
  if (blob.size === 0) throw new ApiError('empty file', 204);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename ?? `dcfleet-${what}-${year}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
