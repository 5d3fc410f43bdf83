/**
 * The deep receipt check (GET …/receipts/verify?deep=1) on SQLite and PostgreSQL: stored samples re-hashed against
 * each receipt's content hash, in level 0 (raw_batches) and after compaction into chunks, with in-batch duplicates,
 * an overwrite by a later receipt, a straddling batch, a batch older than the raw retention and version 1 chunks;
 * tampering with a batch payload or a chunk is caught and named; roles and the one-at-a-time limit.
 */
import type { IngestResponse } from '@dcfleet/contracts';
import { ReceiptDeepCheck } from '../src/receipts/receipt-deep-check';
import type { ChainVerification, ReceiptPage } from '../src/receipts/receipts.types';
import { decodeBatchPayload, decodeChunk, encodeBatchPayload, encodeChunk } from '../src/telemetry/raw-codec';
import { windowOf } from '../src/telemetry/raw-layout';
import { RawMaintenanceService } from '../src/telemetry/raw-maintenance.service';
import { TELEMETRY_STORE, type TelemetryStore } from '../src/telemetry/telemetry-store';
import { count, exec, rows } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const CODE = 'RD-01';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe.each(dialects())('deep receipt check on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  let admin: string;
  const now = Date.now();
  const A = windowOf(now - 5 * HOUR); // closed windows: compacted
  const B = A + HOUR;
  const old = windowOf(now - 40 * DAY); // older than RAW_RETENTION_DAYS=30
  /** Receipt (id, seq) per batch b1…b6. */
  const receipts: { id: string; seq: number }[] = [];

  const deep = async (role: 'admin' | 'regulator' = 'admin'): Promise<ChainVerification> => {
    const res = await t.request(`/api/v1/datacenters/${CODE}/receipts/verify?deep=1`, {
      token: await t.login(role),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as ChainVerification;
  };
  const postJson = async (samples: unknown[]) => {
    const res = await t.request('/api/v1/ingest', { method: 'POST', token, json: { samples } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as IngestResponse;
    receipts.push({ id: body.receipt.id, seq: body.receipt.seq });
  };
  const latestReceipt = async () => {
    const page = (await (
      await t.request(`/api/v1/datacenters/${CODE}/receipts?limit=1`, { token: admin })
    ).json()) as ReceiptPage;
    return { id: page.receipts[0]!.id, seq: page.receipts[0]!.seq };
  };
  const seriesId = async (metric: string, zone?: string) => {
    const list = await rows<{ id: number | string; labels: string }>(
      t,
      `SELECT id, labels FROM series WHERE metric = '${metric}'`,
    );
    return Number(list.find((s) => (zone ? s.labels.includes(zone) : s.labels === ''))!.id);
  };

  beforeAll(async () => {
    t = await bootTestApp(dialect, { RAW_RETENTION_DAYS: '30', RAW_MAINTAIN_MS: '3600000' });
    await t.createSite(CODE);
    token = (await t.createToken(CODE)).token;
    admin = await t.login('admin');
    const t0 = A + 10_000;
    const t1 = A + 20_000;
    const t2 = A + 30_000;
    const tick = (ts: number, k: number) => [
      { metric: 'it_power_kw', ts, value: 800 + k },
      { metric: 'facility_power_kw', ts, value: 1000.5 + k },
      { metric: 'inlet_temp_c', ts, value: 22.1 + k / 10, labels: { zone: 'A1' } },
    ];
    // b1: 3 series × 3 ticks and an in-batch duplicate (the last value wins): accepted 10, stored 9.
    await postJson([
      ...tick(t0, 0),
      ...tick(t1, 1),
      ...tick(t2, 2),
      { metric: 'it_power_kw', ts: t0, value: 799.5 },
    ]);
    // b2: line protocol over windows A and B, with an in-batch duplicate.
    const lp = [
      `dc,zone=A2 inlet_temp_c=23.5 ${A + 40 * MIN}`,
      `dc,zone=A2 inlet_temp_c=23.25 ${B + 5 * MIN}`,
      `dc,zone=A2 inlet_temp_c=23 ${B + 15 * MIN}`,
      `dc,zone=A2 inlet_temp_c=24 ${B + 15 * MIN}`,
    ].join('\n');
    const res = await t.request('/api/v1/write?precision=ms', {
      method: 'POST',
      token,
      headers: { 'content-type': 'text/plain' },
      body: lp,
    });
    expect(res.status).toBe(204);
    receipts.push(await latestReceipt());
    // b3: overwrites one sample of b1 (last write wins), and a sample of its own.
    await postJson([
      { metric: 'it_power_kw', ts: t1, value: 850 },
      { metric: 'facility_power_kw', ts: B + MIN, value: 1100 },
    ]);
    // b4: straddles the compaction horizon (its old part goes to a chunk, the rest stays in level 0).
    await postJson([
      { metric: 'it_power_kw', ts: B + 30 * MIN, value: 805 },
      { metric: 'it_power_kw', ts: now - 2 * MIN, value: 810 },
    ]);
    // b5: recent, stays in level 0.
    await postJson([
      { metric: 'facility_power_kw', ts: now - MIN, value: 1200 },
      { metric: 'it_power_kw', ts: now - MIN, value: 812 },
    ]);
    // b6: older than the raw retention (into an empty hour).
    await postJson([{ metric: 'ups_load_pct', ts: old + 20 * MIN, value: 40 }]);
    expect(receipts.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  afterAll(() => t?.close());

  it('in level 0 every batch re-hashes to its receipt (duplicates and overwrites included)', async () => {
    expect(await count(t, 'SELECT COUNT(*) AS n FROM raw_chunks')).toBe(0);
    const v = await deep();
    expect(v.valid).toBe(true);
    expect(v.deep).toMatchObject({
      matched: 5,
      mismatch: 0,
      incomplete: 0,
      missingSamples: 0,
      beyondRetention: 1,
      unverifiable: 0,
      samples: 9 + 3 + 2 + 2 + 2,
      firstMismatch: null,
    });
    expect(v.deep!.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('after compaction: chunks re-hash by position; an overwritten receipt is incomplete, not a failure', async () => {
    await t.flush();
    await t.app.get(RawMaintenanceService).settle();
    expect(await count(t, 'SELECT COUNT(*) AS n FROM raw_chunks')).toBeGreaterThan(0);
    // Only the recent batch and the straddling one's recent part are left in level 0.
    const left = await rows<{ receipt_id: number | string; done_below: number | string }>(
      t,
      'SELECT receipt_id, done_below FROM raw_batches ORDER BY receipt_id',
    );
    expect(left.map((r) => String(r.receipt_id))).toEqual([receipts[3]!.id, receipts[4]!.id]);
    expect(Number(left[0]!.done_below)).toBeGreaterThan(0);
    const v = await deep();
    expect(v.valid).toBe(true);
    expect(v.deep).toMatchObject({
      matched: 4,
      mismatch: 0,
      incomplete: 1,
      missingSamples: 1,
      beyondRetention: 1,
      unverifiable: 0,
      samples: 3 + 2 + 2 + 2,
      firstMismatch: null,
    });
    // The same in pages of one row, chunk and receipt (the keyset paging of every read).
    const check = t.app.get(ReceiptDeepCheck);
    Object.assign(check, { batchPage: 1, chunkPage: 1, receiptPage: 1 });
    try {
      const paged = await deep();
      expect({ ...paged.deep, elapsedMs: 0 }).toEqual({ ...v.deep, elapsedMs: 0 });
    } finally {
      Object.assign(check, { batchPage: 32, chunkPage: 500, receiptPage: 5000 });
    }
  });

  it('catches an altered value in a level-0 batch payload and names its receipt', async () => {
    const b5 = receipts[4]!;
    const [row] = await rows<{ payload: Uint8Array }>(
      t,
      `SELECT payload FROM raw_batches WHERE receipt_id = ${b5.id}`,
    );
    const cols = decodeBatchPayload(row!.payload);
    const values = Float64Array.from(cols.values);
    values[1] = values[1]! + 0.5;
    await exec(t, 'UPDATE raw_batches SET payload = ? WHERE receipt_id = ?', [
      encodeBatchPayload(cols.seriesIds, cols.ts, values),
      Number(b5.id),
    ]);
    try {
      const v = await deep();
      expect(v.valid).toBe(false);
      expect(v.firstBroken).toBeNull(); // the chain itself is intact
      expect(v.deep).toMatchObject({ matched: 3, mismatch: 1 });
      expect(v.deep!.firstMismatch).toMatchObject({ seq: b5.seq, id: b5.id });
      const contentHash = (
        (await (
          await t.request(`/api/v1/datacenters/${CODE}/receipts?limit=1&before=${b5.seq + 1}`, {
            token: admin,
          })
        ).json()) as ReceiptPage
      ).receipts[0]!.contentHash;
      expect(v.deep!.firstMismatch!.expected).toBe(contentHash);
      expect(v.deep!.firstMismatch!.recomputed).toMatch(/^[0-9a-f]{64}$/);
      expect(v.deep!.firstMismatch!.recomputed).not.toBe(contentHash);
    } finally {
      await exec(t, 'UPDATE raw_batches SET payload = ? WHERE receipt_id = ?', [row!.payload, Number(b5.id)]);
    }
    expect((await deep()).deep).toMatchObject({ matched: 4, mismatch: 0 });
  });

  it('catches an altered value in a compacted chunk (re-encoded, so the chunk itself is well-formed)', async () => {
    const b2 = receipts[1]!;
    const sid = await seriesId('inlet_temp_c', 'A2');
    const [row] = await rows<{ payload: Uint8Array }>(
      t,
      `SELECT payload FROM raw_chunks WHERE window_start = ${A} AND series_id = ${sid}`,
    );
    const d = decodeChunk(row!.payload);
    expect(Array.from(d.seqs)).toEqual([b2.seq]);
    expect(Array.from(d.positions)).toEqual([0]);
    d.values[0] = 23.6;
    await exec(t, 'UPDATE raw_chunks SET payload = ? WHERE window_start = ? AND series_id = ?', [
      encodeChunk(d),
      A,
      sid,
    ]);
    try {
      const v = await deep('regulator');
      expect(v.valid).toBe(false);
      expect(v.deep).toMatchObject({ mismatch: 1, matched: 3, incomplete: 1 });
      expect(v.deep!.firstMismatch).toMatchObject({ seq: b2.seq, id: b2.id });
    } finally {
      await exec(t, 'UPDATE raw_chunks SET payload = ? WHERE window_start = ? AND series_id = ?', [
        row!.payload,
        A,
        sid,
      ]);
    }
    expect((await deep()).valid).toBe(true);
  });

  it('catches samples whose positions were swapped (same values, another order)', async () => {
    // b2's zone A2 samples of window B: the kept positions 1 and 2 (its duplicate at B+15 min was dropped).
    const b2 = receipts[1]!;
    const sid = await seriesId('inlet_temp_c', 'A2');
    const [row] = await rows<{ payload: Uint8Array }>(
      t,
      `SELECT payload FROM raw_chunks WHERE window_start = ${B} AND series_id = ${sid}`,
    );
    const d = decodeChunk(row!.payload);
    expect(Array.from(d.positions)).toEqual([1, 2]);
    expect(Array.from(d.values)).toEqual([23.25, 24]);
    d.positions.reverse();
    await exec(t, 'UPDATE raw_chunks SET payload = ? WHERE window_start = ? AND series_id = ?', [
      encodeChunk(d),
      B,
      sid,
    ]);
    try {
      const v = await deep();
      expect(v.valid).toBe(false);
      expect(v.deep!.firstMismatch).toMatchObject({ seq: b2.seq, id: b2.id });
    } finally {
      await exec(t, 'UPDATE raw_chunks SET payload = ? WHERE window_start = ? AND series_id = ?', [
        row!.payload,
        B,
        sid,
      ]);
    }
  });

  it('reports samples of version 1 chunks (no positions) as unverifiable', async () => {
    const sid = await seriesId('it_power_kw');
    const [row] = await rows<{ payload: Uint8Array }>(
      t,
      `SELECT payload FROM raw_chunks WHERE window_start = ${A} AND series_id = ${sid}`,
    );
    await exec(t, 'UPDATE raw_chunks SET payload = ? WHERE window_start = ? AND series_id = ?', [
      encodeChunk(decodeChunk(row!.payload), 1),
      A,
      sid,
    ]);
    try {
      // b1 and b3 have samples in that chunk.
      const v = await deep();
      expect(v.valid).toBe(true);
      expect(v.deep).toMatchObject({ matched: 3, incomplete: 0, unverifiable: 2, mismatch: 0 });
    } finally {
      await exec(t, 'UPDATE raw_chunks SET payload = ? WHERE window_start = ? AND series_id = ?', [
        row!.payload,
        A,
        sid,
      ]);
    }
  });

  it('a receipt whose samples were moved by the upgrade (sequence 0) is unverifiable; one with none left is incomplete', async () => {
    // As the upgrade's move stores pre-chunk rows: window A's chunks of b1's series at sequence 0, no positions.
    const ids = [
      await seriesId('it_power_kw'),
      await seriesId('facility_power_kw'),
      await seriesId('inlet_temp_c', 'A1'),
    ];
    const saved: Uint8Array[] = [];
    for (const sid of ids) {
      const [row] = await rows<{ payload: Uint8Array }>(
        t,
        `SELECT payload FROM raw_chunks WHERE window_start = ${A} AND series_id = ${sid}`,
      );
      saved.push(row!.payload);
      const d = decodeChunk(row!.payload);
      d.seqs.fill(0);
      d.positions.fill(-1);
      d.sizes.fill(-1);
      await exec(t, 'UPDATE raw_chunks SET payload = ? WHERE window_start = ? AND series_id = ?', [
        encodeChunk(d),
        A,
        sid,
      ]);
    }
    // And b5's level-0 row removed: nothing of it is left (indistinguishable from being overwritten).
    const b5 = receipts[4]!;
    const [batch] = await rows<Record<string, unknown>>(
      t,
      `SELECT receipt_id, site_id, seq, min_ts, max_ts, done_below, samples, payload FROM raw_batches
        WHERE receipt_id = ${b5.id}`,
    );
    await exec(t, 'DELETE FROM raw_batches WHERE receipt_id = ?', [Number(b5.id)]);
    try {
      const v = await deep();
      expect(v.valid).toBe(true);
      // b1: only sequence-0 samples in its windows; b3: its window-A sample gone to sequence 0, the other found;
      // b5: nothing left, counted with its `accepted`.
      expect(v.deep).toMatchObject({
        matched: 2,
        unverifiable: 1,
        incomplete: 2,
        missingSamples: 1 + 2,
        mismatch: 0,
      });
    } finally {
      for (let i = 0; i < ids.length; i++) {
        await exec(t, 'UPDATE raw_chunks SET payload = ? WHERE window_start = ? AND series_id = ?', [
          saved[i],
          A,
          ids[i],
        ]);
      }
      await exec(
        t,
        'INSERT INTO raw_batches (receipt_id, site_id, seq, min_ts, max_ts, done_below, samples, payload) VALUES (?,?,?,?,?,?,?,?)',
        ['receipt_id', 'site_id', 'seq', 'min_ts', 'max_ts', 'done_below', 'samples', 'payload'].map((k) =>
          k === 'payload' ? batch![k] : Number(batch![k]),
        ),
      );
    }
    expect((await deep()).deep).toMatchObject({ matched: 4, incomplete: 1, unverifiable: 0 });
  });

  it('deep=1 is for admin and regulator; plain verify stays the same for every role', async () => {
    const operator = await t.login('operator');
    const url = `/api/v1/datacenters/${CODE}/receipts/verify`;
    expect((await t.request(`${url}?deep=1`, { token: operator })).status).toBe(403);
    expect((await t.request(`${url}?deep=maybe`, { token: admin })).status).toBe(400);
    for (const role of ['admin', 'operator', 'regulator'] as const) {
      const res = await t.request(url, { token: await t.login(role) });
      expect(res.status).toBe(200);
      const v = (await res.json()) as ChainVerification;
      expect(v).toMatchObject({ receipts: 6, valid: true, scope: 'full' });
      expect(v.deep).toBeUndefined();
    }
    expect((await deep('regulator')).deep).toMatchObject({ matched: 4 });
  });

  it('runs one deep check at a time: a concurrent one gets 429 with Retry-After', async () => {
    const store = t.app.get<TelemetryStore>(TELEMETRY_STORE);
    const original = store.nextSiteWindow;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    store.nextSiteWindow = async (...args) => {
      entered();
      await gate;
      return original.apply(store, args);
    };
    try {
      const first = t.request(`/api/v1/datacenters/${CODE}/receipts/verify?deep=1`, { token: admin });
      await inside;
      const second = await t.request(`/api/v1/datacenters/${CODE}/receipts/verify?deep=1`, {
        token: await t.login('regulator'),
      });
      expect(second.status).toBe(429);
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
      // The plain check is not limited.
      expect((await t.request(`/api/v1/datacenters/${CODE}/receipts/verify`, { token: admin })).status).toBe(
        200,
      );
      release();
      expect((await first).status).toBe(200);
    } finally {
      release();
      store.nextSiteWindow = original;
    }
    expect((await deep()).valid).toBe(true); // the slot is free again
  });
});
