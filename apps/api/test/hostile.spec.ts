/**
 * Ingest and reads under hostile or broken clients (issue #19, items 4 and 9): slow uploads, series floods, huge
 * reads, faults that are not outages, lax content types, label keys that are JavaScript property names, forged
 * proxy headers, plain-HTTP security headers. Every refusal stores nothing.
 */
import { statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { SeriesResponse } from '@dcfleet/contracts';
import { count, refuseInserts, rows } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const MIN = 60_000;

/** Opens a connection and sends headers for a body it then trickles a byte at a time; resolves on the answer. */
function slowUpload(
  url: string,
  token: string,
): { socket: Socket; answer: Promise<{ status: number; closed: Promise<void> }> } {
  const u = new URL(url);
  const socket = connect(Number(u.port), u.hostname);
  const body = JSON.stringify({ samples: [{ metric: 'it_power_kw', ts: Date.now(), value: 1 }] });
  socket.write(
    `POST /api/v1/ingest HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: Bearer ${token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  let sent = 0;
  const drip = setInterval(() => {
    if (sent < body.length - 1 && !socket.destroyed) socket.write(body[sent++]!);
  }, 200);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const answer = new Promise<{ status: number; closed: Promise<void> }>((resolve, reject) => {
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m) resolve({ status: Number(m[1]), closed });
    });
    socket.on('error', reject);
  });
  void closed.then(() => clearInterval(drip));
  return { socket, answer };
}

describe.each(dialects())('hostile clients on %s', (dialect) => {
  let t: TestApp;
  let tokenA: string;
  let tokenB: string;
  const base = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000;

  const post = (body: unknown, token = tokenA, type = 'application/json') =>
    t.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${token}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const write = (body: string, type?: string) =>
    t.request('/api/v1/write', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenA}`, ...(type ? { 'content-type': type } : {}) },
      body,
    });
  const receipts = () => count(t, 'SELECT COUNT(*) AS n FROM receipts');
  const seriesCount = () => count(t, 'SELECT COUNT(*) AS n FROM series');

  beforeAll(async () => {
    t = await bootTestApp(dialect, {
      INGEST_MAX_INFLIGHT: '6',
      INGEST_MAX_INFLIGHT_PER_SITE: '2',
      INGEST_BODY_TIMEOUT_MS: '1500',
      SERIES_MAX_PER_SITE: '6',
      READ_MAX_POINTS: '1000',
      TRUST_PROXY: '1',
    });
    await t.createSite('GZ-H-01');
    await t.createSite('GZ-H-02');
    tokenA = (await t.createToken('GZ-H-01')).token;
    tokenB = (await t.createToken('GZ-H-02')).token;
  });
  afterAll(() => t.close());

  it('slow uploads of one site take only its own slots, get 408 at the deadline and are disconnected', async () => {
    const before = await receipts();
    const slow = Array.from({ length: 5 }, () => slowUpload(t.url, tokenA));
    try {
      // Two hold the site's slots; the other three are refused at once (before their bodies are read).
      const early = await Promise.all(
        slow.map((s) =>
          Promise.race([s.answer.then((a) => a.status), new Promise((r) => setTimeout(r, 700, 0))]),
        ),
      );
      expect(early.filter((s) => s === 429)).toHaveLength(3);
      expect(early.filter((s) => s === 0)).toHaveLength(2);
      // Another site is not held up meanwhile.
      const other = await post({ samples: [{ metric: 'it_power_kw', ts: base, value: 5 }] }, tokenB);
      expect(other.status).toBe(200);
      const held = slow.filter((_, i) => early[i] === 0);
      for (const s of held) {
        const a = await s.answer;
        expect(a.status).toBe(408);
        await a.closed; // the server closes the connection instead of draining a body that never ends
      }
      // The slots are free again.
      const again = await post({ samples: [{ metric: 'it_power_kw', ts: base, value: 6 }] });
      expect(again.status).toBe(200);
      expect(await receipts()).toBe(before + 2);
    } finally {
      for (const s of slow) s.socket.destroy();
    }
  });

  it('refuses a batch that would take the site past SERIES_MAX_PER_SITE, whole, and stores nothing', async () => {
    const zones = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        metric: 'inlet_temp_c',
        ts: base + MIN,
        value: 22,
        labels: { zone: `Z${from + i}` },
      }));
    // GZ-H-01 has it_power_kw; four zones make five series.
    expect((await post({ samples: zones(1, 4) })).status).toBe(200);
    const [series, stored] = [await seriesCount(), await receipts()];
    const res = await post({ samples: [...zones(1, 4), ...zones(5, 2)] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /GZ-H-01 has 5 series and this batch would add 2 .*SERIES_MAX_PER_SITE \(6\); nothing was stored/,
    );
    expect(await seriesCount()).toBe(series);
    expect(await receipts()).toBe(stored);
    // Known series keep flowing, and the quota's last slot can still be used.
    expect((await post({ samples: [...zones(1, 4), ...zones(5, 1)] })).status).toBe(200);
    expect(await seriesCount()).toBe(series + 1);
    const lp = await write(`dc,zone=Z9 inlet_temp_c=21 ${(base + 2 * MIN) * 1e6}\n`);
    expect(lp.status).toBe(422);
    const metrics = await t.request('/metrics', { token: await t.login('admin') });
    expect(await metrics.text()).toMatch(/dcfleet_ingest_refused_total\{reason="series_quota"\} 2/);
  });

  it('budgets a series read in points over all its series, not per series', async () => {
    await t.flush();
    const admin = await t.login('admin');
    const q = (extra: string) =>
      t.request(
        `/api/v1/datacenters/GZ-H-01/series?metric=inlet_temp_c&step=1m&from=${base}&to=${base + 4 * 3_600_000}${extra}`,
        { token: admin },
      );
    // 5 zones × 240 minutes = 1,200 points > 1,000.
    const all = await q('');
    expect(all.status).toBe(400);
    expect(((await all.json()) as { message: string }).message).toMatch(
      /too many points \(5 series × 240 buckets, over READ_MAX_POINTS 1000\)/,
    );
    const one = await q('&label.zone=Z1');
    expect(one.status).toBe(200);
    expect(((await one.json()) as SeriesResponse).series).toHaveLength(1);
  });

  it('answers a fault that a retry cannot fix with 500 and a request id, not 503, and stores nothing', async () => {
    const restore = await refuseInserts(t, 'raw_batches');
    try {
      const before = await receipts();
      const res = await post({ samples: [{ metric: 'it_power_kw', ts: base + 3 * MIN, value: 7 }] });
      expect(res.status).toBe(500);
      expect(res.headers.get('retry-after')).toBeNull();
      const body = (await res.json()) as { requestId: string; message: string };
      expect(body.message).toBe('internal error');
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
      expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(await receipts()).toBe(before);
    } finally {
      await restore();
    }
    expect((await post({ samples: [{ metric: 'it_power_kw', ts: base + 3 * MIN, value: 7 }] })).status).toBe(
      200,
    );
  });

  it('takes only application/json (UTF-8) on /ingest and refuses JSON or non-UTF-8 text on /write', async () => {
    const sample = { samples: [{ metric: 'it_power_kw', ts: base + 4 * MIN, value: 8 }] };
    for (const type of [
      'application/jsonx',
      'application/json-patch+json',
      'application/json; charset=utf-16',
      'text/plain',
    ]) {
      expect([type, (await post(sample, tokenA, type)).status]).toEqual([type, 415]);
    }
    expect((await post(sample, tokenA, 'Application/JSON; charset="UTF-8"')).status).toBe(200);
    const line = `dc it_power_kw=9 ${(base + 5 * MIN) * 1e6}\n`;
    expect((await write(line, 'application/json')).status).toBe(415);
    expect((await write(line, 'text/plain; charset=iso-8859-1')).status).toBe(415);
    expect((await write(line, 'text/plain; charset=utf-8')).status).toBe(204);
    expect((await write(line)).status).toBe(204);
  });

  it('refuses label keys that are JavaScript property names, in ingest and in read filters', async () => {
    const before = await receipts();
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const res = await post(
        `{"samples":[{"metric":"inlet_temp_c","ts":${base},"value":20,"labels":{"${key}":"A1"}}]}`,
      );
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(`label key \\"${key}\\" is reserved`);
      const lp = await write(`dc,${key}=A1 inlet_temp_c=20 ${base * 1e6}\n`);
      expect(await lp.text()).toContain('is reserved');
      expect(lp.status).toBe(400);
      const read = await t.request(`/api/v1/datacenters/GZ-H-01/series?metric=inlet_temp_c&label.${key}=A1`, {
        token: await t.login('operator'),
      });
      expect(read.status).toBe(400);
    }
    expect(await receipts()).toBe(before);
  });

  it('believes only the proxy-appended X-Forwarded-For entry (TRUST_PROXY=1), not what the client wrote', async () => {
    const res = await t.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'x-forwarded-for': '6.6.6.6, 10.1.2.3' },
      json: { username: 'nobody\nforged line', password: 'x' },
    });
    expect(res.status).toBe(401);
    const [row] = await rows<{ ip: string }>(
      t,
      "SELECT ip FROM audit_log WHERE action = 'auth.login_failed' ORDER BY id DESC LIMIT 1",
    );
    expect(row!.ip).toBe('10.1.2.3');
  });

  it('sends HSTS and upgrade-insecure-requests only over HTTPS', async () => {
    const plain = await t.request('/health/live');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    expect(plain.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    // Behind a TLS-terminating proxy (trusted: TRUST_PROXY=1).
    const tls = await t.request('/health/live', { headers: { 'x-forwarded-proto': 'https' } });
    expect(tls.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(tls.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  if (dialect === 'sqlite') {
    it('creates the SQLite database file readable by its owner only', () => {
      const path = t.databaseUrl.slice('sqlite:'.length);
      expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
    });
  }
});
