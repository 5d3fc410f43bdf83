/** Response shapes of the receipts API. The chain verification lives in libs/contracts (ratings evidence). */
import type { ReceiptInfo } from '@dcfleet/contracts';

export type {
  ChainBreak,
  ChainBreakReason,
  ChainVerification,
  ContentMismatch,
  DeepVerification,
} from '@dcfleet/contracts';

export interface ReceiptPage {
  datacenter: string;
  receipts: ReceiptInfo[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}
