import { createHash } from 'node:crypto';
import { canonicalReceiptHeader, type ReceiptHeader } from '@dcfleet/contracts';

export function receiptHash(header: ReceiptHeader): string {
  return createHash('sha256').update(canonicalReceiptHeader(header)).digest('hex');
}
