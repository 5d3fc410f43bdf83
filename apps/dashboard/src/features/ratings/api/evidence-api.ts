/** The report's evidence calls: a site's receipt pages and its chain verification (docs/contract.md, "Evidence"). */
import {
  API_PREFIX,
  type ChainVerification,
  type RatingDetailResponse,
  type ReceiptInfo,
} from '@dcfleet/contracts';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { request } from '../../../api/client';
import { saveBlob } from './ratings-api';
import { assembleEvidenceBundle, evidenceFileName } from './evidence-bundle';

/** One page of `GET /datacenters/:code/receipts`, newest first; `nextBefore` asks for the older page. */
export interface ReceiptPage {
  datacenter: string;
  receipts: ReceiptInfo[];
  nextBefore: number | null;
}

export const RECEIPTS_PAGE_SIZE = 20;
/** The bundle reads at most this many receipt pages of 1,000 (and says when it stopped short). */
const BUNDLE_MAX_PAGES = 20;

const receiptsPath = (code: string) => `${API_PREFIX}/datacenters/${encodeURIComponent(code)}/receipts`;

export function fetchReceipts(
  code: string,
  before: number | null,
  limit: number,
  signal?: AbortSignal,
): Promise<ReceiptPage> {
  const q = `limit=${limit}${before === null ? '' : `&before=${before}`}`;
  return request<ReceiptPage>(`${receiptsPath(code)}?${q}`, { signal });
}

/** A page of the receipt list (the page before stays shown while the next loads). */
export const receiptsQuery = (code: string, before: number | null) =>
  queryOptions({
    queryKey: ['receipts', code, before],
    queryFn: ({ signal }) => fetchReceipts(code, before, RECEIPTS_PAGE_SIZE, signal),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

/** Recomputes the site's whole receipt hash chain now. */
export function verifyChain(code: string): Promise<ChainVerification> {
  return request<ChainVerification>(`${receiptsPath(code)}/verify`);
}

/**
 * Reads the receipts back to the period's start (newest first, 1,000 a page), verifies the chain again and saves
 * the bundle as JSON.
 */
export async function downloadEvidenceBundle(detail: RatingDetailResponse): Promise<void> {
  const start = Date.parse(detail.from);
  const receipts: ReceiptInfo[] = [];
  let before: number | null = null;
  let complete = false;
  for (let page = 0; page < BUNDLE_MAX_PAGES; page++) {
    const p = await fetchReceipts(detail.code, before, 1000);
    receipts.push(...p.receipts);
    const oldest = p.receipts.at(-1);
    // Newest first: a receipt received before the period began cannot carry its data (a late backfill can, so
    // the receipt's data times would not do), and older ones neither.
    if (p.nextBefore === null || (oldest && Date.parse(oldest.receivedAt) < start)) {
      complete = true;
      break;
    }
    before = p.nextBefore;
  }
  const verification = await verifyChain(detail.code);
  const bundle = assembleEvidenceBundle(detail, receipts, complete, verification, new Date());
  const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' });
  saveBlob(blob, evidenceFileName(detail));
}
