/**
 * The evidence bundle a regulator downloads from a report: the rating row, its monthly values, data gaps, the ingest
 * receipts carrying the period's data and a fresh chain verification, in one JSON file. Assembled here from the
 * existing API answers (rating detail, receipt pages, chain verification): no API of its own. Pure, unit-tested.
 */
import type { ChainVerification, RatingDetailResponse, ReceiptInfo } from '@dcfleet/contracts';

export const EVIDENCE_BUNDLE_FORMAT = 'dcfleet-evidence-bundle/1';

export interface EvidenceBundle {
  format: typeof EVIDENCE_BUNDLE_FORMAT;
  generatedAt: string;
  site: {
    code: string;
    name: string;
    /** The site's and its hub's Chinese names (additive: readers of format /1 ignore them). */
    nameZh: string | null;
    hub: string | null;
    hubZh: string | null;
    timeZone: string | undefined;
  };
  period: { year?: number; period?: 'trailing12'; from: string; to: string };
  /** The ratings row as the API served it (no monthly values, evidence or revisions: those follow apart). */
  rating: Omit<RatingDetailResponse, 'monthly' | 'evidence' | 'revisions'>;
  monthly: RatingDetailResponse['monthly'];
  dataGaps: RatingDetailResponse['evidence']['dataGaps'];
  meterExchanges: NonNullable<RatingDetailResponse['evidence']['meterExchanges']>;
  revisions: RatingDetailResponse['revisions'];
  receipts: {
    /** Receipts counted by the rating as carrying the period's data. */
    countInRating: number;
    /** False when the listing stopped at the page limit before reaching the period's start. */
    complete: boolean;
    items: ReceiptInfo[];
  };
  chain: { head: RatingDetailResponse['evidence']['chainHead']; verification: ChainVerification };
}

/** Receipts whose samples fall in [from, to) (a receipt without samples carries no data of the period). */
export function receiptsInPeriod(receipts: readonly ReceiptInfo[], from: string, to: string): ReceiptInfo[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  return receipts.filter(
    (r) => r.minTs !== null && r.maxTs !== null && Date.parse(r.maxTs) >= start && Date.parse(r.minTs) < end,
  );
}

export function assembleEvidenceBundle(
  detail: RatingDetailResponse,
  receipts: readonly ReceiptInfo[],
  complete: boolean,
  verification: ChainVerification,
  now: Date,
): EvidenceBundle {
  const { monthly, evidence, revisions, ...rating } = detail;
  return {
    format: EVIDENCE_BUNDLE_FORMAT,
    generatedAt: now.toISOString(),
    site: {
      code: detail.code,
      name: detail.name,
      nameZh: detail.nameZh ?? null,
      hub: detail.hub,
      hubZh: detail.hubZh ?? null,
      timeZone: detail.timeZone,
    },
    period: {
      ...(detail.period ? { period: detail.period } : { year: detail.year }),
      from: detail.from,
      to: detail.to,
    },
    rating,
    monthly,
    dataGaps: evidence.dataGaps,
    meterExchanges: evidence.meterExchanges ?? [],
    revisions,
    receipts: {
      countInRating: evidence.receiptCount,
      complete,
      items: receiptsInPeriod(receipts, detail.from, detail.to).sort((a, b) => a.seq - b.seq),
    },
    chain: { head: evidence.chainHead, verification },
  };
}

/** The bundle's file name: `dcfleet-evidence-GZ-01-2025.json`, `…-trailing12.json`. */
export function evidenceFileName(detail: RatingDetailResponse): string {
  return `dcfleet-evidence-${detail.code}-${detail.period ?? detail.year}.json`;
}
