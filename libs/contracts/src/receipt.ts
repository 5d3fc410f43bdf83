/**
 * Canonical receipt content, so anyone holding a batch (a gateway, a regulator) can recompute its hashes.
 * content hash = SHA-256 of the concatenated sample lines; receipt hash = SHA-256 of the header text.
 */

/** One accepted sample as it enters the content hash: `metric<labels>\tts\tvalue\n`. */
export function canonicalSampleLine(metric: string, labelKey: string, ts: number, value: number): string {
  return `${metric}${labelKey}\t${ts}\t${value}\n`;
}

export interface ReceiptHeader {
  site: string;
  seq: number;
  prevHash: string;
  receivedAt: number;
  accepted: number;
  rejected: number;
  contentHash: string;
}

export function canonicalReceiptHeader(h: ReceiptHeader): string {
  return [
    'dcfleet-receipt-v1',
    `site=${h.site}`,
    `seq=${h.seq}`,
    `prev=${h.prevHash}`,
    `received=${h.receivedAt}`,
    `accepted=${h.accepted}`,
    `rejected=${h.rejected}`,
    `content=${h.contentHash}`,
  ].join('\n');
}

/** prev hash of the first receipt of every site. */
export const GENESIS_HASH = '0'.repeat(64);
