/**
 * Ingest receipts as evidence: listing, and the hash-chain verifier catching stored receipts that were altered,
 * unlinked, removed or whose head was moved — on SQLite and PostgreSQL.
 */
import { createHash } from 'node:crypto';
import {
  canonicalReceiptHeader,
  GENESIS_HASH,
  type IngestResponse,
  type ReceiptInfo,
} from '@dcfleet/contracts';
import { DbHandle } from '../src/platform/database/db-handle';
import { ReceiptsService } from '../src/receipts/receipts.service';
import type { ChainVerification, ReceiptPage } from '../src/receipts/receipts.types';
import { exec } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const CODE = 'RC-01';
const EMPTY = 'RC-02';
const BATCHES = 5;

describe.each(dialects())('receipts on %s', (dialect) => {
  let t: TestApp;
  let regulator: string;
  let ingestToken: string;
  let siteId: number;
  const posted: IngestResponse[] = [];

  const verify = async (): Promise<ChainVerification> => {
    const res = await t.request(`/api/v1/datacenters/${CODE}/receipts/verify`, { token: regulator });
    expect(res.status).toBe(200);
    return (await res.json()) as ChainVerification;
  };

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    await t.createSite(CODE);
    await t.createSite(EMPTY);
    ingestToken = (await t.createToken(CODE)).token;
    regulator = await t.login('regulator');
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < BATCHES; i++) {
      const res = await t.request('/api/v1/ingest', {
        method: 'POST',
        token: ingestToken,
        json: {
          samples: [
            { metric: 'it_power_kw', ts: base + i * 60_000, value: 800 + i },
            { metric: 'nope', ts: base, value: 1 },
          ],
        },
      });
      expect(res.status).toBe(200);
      posted.push((await res.json()) as IngestResponse);
    }
    const db = t.app.get(DbHandle);
    siteId =
      db.dialect === 'sqlite'
        ? (db.sqlite.prepare('SELECT id FROM sites WHERE code = ?').get(CODE) as { id: number }).id
        : (await db.pool.query<{ id: number }>('SELECT id FROM sites WHERE code = $1', [CODE])).rows[0]!.id;
    t.app.get(ReceiptsService).pageSize = 2; // walk the chain in several pages
  });
  afterAll(() => t?.close());

  it('lists receipts newest first, paged with before=<seq>', async () => {
    const page1 = (await (
      await t.request(`/api/v1/datacenters/${CODE}/receipts?limit=2`, { token: regulator })
    ).json()) as ReceiptPage;
    expect(page1.datacenter).toBe(CODE);
    expect(page1.receipts.map((r) => r.seq)).toEqual([5, 4]);
    expect(page1.nextBefore).toBe(4);
    const newest: ReceiptInfo = page1.receipts[0]!;
    const last = posted.at(-1)!.receipt;
    expect(newest).toMatchObject({
      id: last.id,
      seq: 5,
      datacenter: CODE,
      accepted: 1,
      rejected: 1,
      hash: last.hash,
      prevHash: posted.at(-2)!.receipt.hash,
    });
    expect(newest.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(newest.receivedAt)).toBeGreaterThan(Date.now() - 120_000);
    expect(newest.minTs).toBe(newest.maxTs);

    // The stored fields reproduce the hash (the contract regulators rely on).
    const header = {
      site: CODE,
      seq: newest.seq,
      prevHash: newest.prevHash,
      receivedAt: Date.parse(newest.receivedAt),
      accepted: 1,
      rejected: 1,
      contentHash: newest.contentHash,
    };
    expect(createHash('sha256').update(canonicalReceiptHeader(header)).digest('hex')).toBe(newest.hash);

    const page2 = (await (
      await t.request(`/api/v1/datacenters/${CODE}/receipts?limit=2&before=4`, { token: regulator })
    ).json()) as ReceiptPage;
    expect(page2.receipts.map((r) => r.seq)).toEqual([3, 2]);
    const page3 = (await (
      await t.request(`/api/v1/datacenters/${CODE}/receipts?limit=2&before=${page2.nextBefore}`, {
        token: regulator,
      })
    ).json()) as ReceiptPage;
    expect(page3.receipts.map((r) => r.seq)).toEqual([1]);
    expect(page3.receipts[0]!.prevHash).toBe(GENESIS_HASH);
    expect(page3.nextBefore).toBeNull();

    const all = (await (
      await t.request(`/api/v1/datacenters/${CODE}/receipts`, { token: regulator })
    ).json()) as ReceiptPage;
    expect(all.receipts).toHaveLength(BATCHES);
    expect(all.nextBefore).toBeNull();
  });

  it('validates paging parameters and the site; readable by every user role only', async () => {
    for (const q of ['limit=0', 'limit=abc', 'limit=1001', 'limit=-1', 'before=0', 'before=x']) {
      const res = await t.request(`/api/v1/datacenters/${CODE}/receipts?${q}`, { token: regulator });
      expect([q, res.status]).toEqual([q, 400]);
    }
    expect((await t.request('/api/v1/datacenters/NO-SUCH/receipts', { token: regulator })).status).toBe(404);
    expect(
      (await t.request('/api/v1/datacenters/NO-SUCH/receipts/verify', { token: regulator })).status,
    ).toBe(404);
    for (const role of ['admin', 'operator', 'regulator'] as const) {
      const token = await t.login(role);
      expect((await t.request(`/api/v1/datacenters/${CODE}/receipts`, { token })).status).toBe(200);
      expect((await t.request(`/api/v1/datacenters/${CODE}/receipts/verify`, { token })).status).toBe(200);
    }
    for (const path of [
      `/api/v1/datacenters/${CODE}/receipts`,
      `/api/v1/datacenters/${CODE}/receipts/verify`,
    ]) {
      expect((await t.request(path, { token: ingestToken })).status).toBe(401);
      expect((await t.request(path)).status).toBe(401);
    }
  });

  it('verifies an intact chain (and an empty one)', async () => {
    const v = await verify();
    expect(v).toMatchObject({
      datacenter: CODE,
      receipts: BATCHES,
      head: { seq: BATCHES, hash: posted.at(-1)!.receipt.hash },
      valid: true,
      firstBroken: null,
      scope: 'full',
    });
    const empty = (await (
      await t.request(`/api/v1/datacenters/${EMPTY}/receipts/verify`, { token: regulator })
    ).json()) as ChainVerification;
    expect(empty).toMatchObject({ receipts: 0, head: { seq: 0, hash: '' }, valid: true, firstBroken: null });
  });

  it('reports a receipt whose stored fields were altered: hash mismatch', async () => {
    await exec(t, 'UPDATE receipts SET accepted = accepted + 1 WHERE site_id = ? AND seq = 2', [siteId]);
    try {
      const v = await verify();
      expect(v.valid).toBe(false);
      expect(v.firstBroken).toMatchObject({ seq: 2, id: posted[1]!.receipt.id, reason: 'hash mismatch' });
      expect(v.receipts).toBe(1);
    } finally {
      await exec(t, 'UPDATE receipts SET accepted = accepted - 1 WHERE site_id = ? AND seq = 2', [siteId]);
    }
    expect((await verify()).valid).toBe(true);
  });

  it('reports a broken prev link even when the receipt hash was recomputed to match', async () => {
    // A forger rewrites receipt 3 to point elsewhere and fixes up its own hash: the link to 2 breaks.
    const forgedPrev = 'f'.repeat(64);
    const original = (await (
      await t.request(`/api/v1/datacenters/${CODE}/receipts?limit=1&before=4`, { token: regulator })
    ).json()) as ReceiptPage;
    const r3 = original.receipts[0]!;
    const forgedHash = createHash('sha256')
      .update(
        canonicalReceiptHeader({
          site: CODE,
          seq: 3,
          prevHash: forgedPrev,
          receivedAt: Date.parse(r3.receivedAt),
          accepted: r3.accepted,
          rejected: r3.rejected,
          contentHash: r3.contentHash,
        }),
      )
      .digest('hex');
    await exec(t, 'UPDATE receipts SET prev_hash = ?, hash = ? WHERE site_id = ? AND seq = 3', [
      forgedPrev,
      forgedHash,
      siteId,
    ]);
    try {
      const v = await verify();
      expect(v.firstBroken).toMatchObject({ seq: 3, id: r3.id, reason: 'prev link broken' });
      expect(v.valid).toBe(false);
    } finally {
      await exec(t, 'UPDATE receipts SET prev_hash = ?, hash = ? WHERE site_id = ? AND seq = 3', [
        r3.prevHash,
        r3.hash,
        siteId,
      ]);
    }
    expect((await verify()).valid).toBe(true);
  });

  it('reports a moved chain head and a removed receipt', async () => {
    await exec(t, 'UPDATE sites SET chain_head = ? WHERE id = ?', ['a'.repeat(64), siteId]);
    try {
      expect((await verify()).firstBroken).toMatchObject({ seq: BATCHES, reason: 'head mismatch' });
    } finally {
      await exec(t, 'UPDATE sites SET chain_head = ? WHERE id = ?', [posted.at(-1)!.receipt.hash, siteId]);
    }
    await exec(t, 'DELETE FROM receipts WHERE site_id = ? AND seq = 4', [siteId]);
    const gap = await verify();
    expect(gap.firstBroken).toMatchObject({ seq: 5, id: posted[4]!.receipt.id, reason: 'sequence gap' });
    await exec(t, 'DELETE FROM receipts WHERE site_id = ? AND seq = 5', [siteId]);
    const tail = await verify();
    expect(tail.firstBroken).toMatchObject({ seq: 4, id: null, reason: 'sequence gap' });
    expect(tail.receipts).toBe(3);
  });
});
