import type { ChainVerification, RatingDetailResponse, ReceiptInfo } from '@dcfleet/contracts';
import { describe, expect, it } from 'vitest';
import {
  assembleEvidenceBundle,
  EVIDENCE_BUNDLE_FORMAT,
  evidenceFileName,
  receiptsInPeriod,
} from './evidence-bundle';

const receipt = (seq: number, minTs: string | null, maxTs: string | null): ReceiptInfo => ({
  id: String(seq),
  seq,
  datacenter: 'GZ-01',
  accepted: 10,
  rejected: 0,
  contentHash: 'c'.repeat(64),
  prevHash: 'p'.repeat(64),
  hash: `${seq}`.padStart(64, '0'),
  minTs,
  maxTs,
  receivedAt: maxTs ?? '2026-01-01T00:00:00.000Z',
});

const verification: ChainVerification = {
  datacenter: 'GZ-01',
  receipts: 3,
  head: { seq: 3, hash: 'h'.repeat(64) },
  valid: true,
  firstBroken: null,
  verifiedAt: '2026-12-07T14:00:00.000Z',
  scope: 'full',
};

const detail = {
  year: 2025,
  code: 'GZ-01',
  name: "Gui'an A",
  nameZh: '贵安 A',
  hub: 'Guizhou',
  hubZh: '贵州枢纽',
  from: '2024-12-31T16:00:00.000Z',
  to: '2025-12-31T16:00:00.000Z',
  timeZone: 'Asia/Shanghai',
  pue: 1.25,
  status: 'final',
  monthly: [{ month: 1, pue: 1.25 }],
  evidence: {
    receiptCount: 2,
    chainHead: { seq: 3, hash: 'h'.repeat(64) },
    chainVerification: { ...verification, verifiedAt: '2026-01-01T00:00:00.000Z' },
    dataGaps: { facility: [{ from: '2025-03-01T00:00:00.000Z', to: '2025-03-02T00:00:00.000Z' }], it: [] },
  },
  revisions: [],
} as unknown as RatingDetailResponse;

describe('evidence bundle', () => {
  it('keeps the receipts whose samples fall in the period', () => {
    const rs = [
      receipt(1, '2024-12-30T00:00:00.000Z', '2024-12-31T15:00:00.000Z'),
      receipt(2, '2024-12-31T15:00:00.000Z', '2025-01-01T01:00:00.000Z'),
      receipt(3, '2025-12-31T16:00:00.000Z', '2026-01-02T00:00:00.000Z'),
      receipt(4, null, null),
    ];
    expect(receiptsInPeriod(rs, detail.from, detail.to).map((r) => r.seq)).toEqual([2]);
  });

  it('holds the rating row, monthly values, gaps, receipts and the fresh chain verification', () => {
    const rs = [receipt(3, '2025-06-01T00:00:00.000Z', '2025-06-01T01:00:00.000Z'), receipt(1, null, null)];
    rs.push(receipt(2, '2025-05-01T00:00:00.000Z', '2025-05-01T01:00:00.000Z'));
    const b = assembleEvidenceBundle(detail, rs, true, verification, new Date('2026-12-07T14:01:00Z'));
    expect(b.format).toBe(EVIDENCE_BUNDLE_FORMAT);
    expect(b.generatedAt).toBe('2026-12-07T14:01:00.000Z');
    // The Chinese names are additive fields of format /1.
    expect(b.site).toEqual({
      code: 'GZ-01',
      name: "Gui'an A",
      nameZh: '贵安 A',
      hub: 'Guizhou',
      hubZh: '贵州枢纽',
      timeZone: 'Asia/Shanghai',
    });
    expect(b.period).toEqual({ year: 2025, from: detail.from, to: detail.to });
    expect(b.rating).toMatchObject({ code: 'GZ-01', pue: 1.25, status: 'final' });
    expect(b.rating).not.toHaveProperty('monthly');
    expect(b.rating).not.toHaveProperty('evidence');
    expect(b.monthly).toEqual([{ month: 1, pue: 1.25 }]);
    expect(b.dataGaps.facility).toHaveLength(1);
    expect(b.receipts).toMatchObject({ countInRating: 2, complete: true });
    expect(b.receipts.items.map((r) => r.seq)).toEqual([2, 3]);
    // The verification run for the download, not the one the report was served with.
    expect(b.chain).toEqual({ head: detail.evidence.chainHead, verification });
    expect(JSON.parse(JSON.stringify(b))).toEqual(b);
  });

  it('names the file after the site and the period', () => {
    expect(evidenceFileName(detail)).toBe('dcfleet-evidence-GZ-01-2025.json');
    const trailing = { ...detail, year: undefined, period: 'trailing12' } as RatingDetailResponse;
    expect(evidenceFileName(trailing)).toBe('dcfleet-evidence-GZ-01-trailing12.json');
    expect(assembleEvidenceBundle(trailing, [], false, verification, new Date()).period).toMatchObject({
      period: 'trailing12',
    });
  });
});
