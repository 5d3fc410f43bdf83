/** Response shapes of the receipts API (plain types, ready to move to libs/contracts). */
import type { ReceiptInfo } from '@dcfleet/contracts';

export type ChainBreakReason = 'hash mismatch' | 'prev link broken' | 'sequence gap' | 'head mismatch';

export interface ChainBreak {
  /** Sequence number where the chain first fails. */
  seq: number;
  /** Receipt id at that point; null when the receipt is missing (a gap at the end of the chain). */
  id: string | null;
  reason: ChainBreakReason;
  detail: string;
}

/** Result of recomputing a site's receipt hash chain from the stored receipts. */
export interface ChainVerification {
  datacenter: string;
  /** Receipts checked. */
  receipts: number;
  /** Head recorded on the site (sites.chain_seq / chain_head) when the verification started. */
  head: { seq: number; hash: string };
  valid: boolean;
  firstBroken: ChainBreak | null;
  verifiedAt: string;
  /** 'full': every receipt from seq 1; 'incremental': from a checkpoint of an earlier full pass. */
  scope: 'full' | 'incremental';
}

export interface ReceiptPage {
  datacenter: string;
  receipts: ReceiptInfo[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}
