/**
 * Hostile clients against the built API (issue #19 item 7): fuzzed bodies on every ingest endpoint, a parallel
 * password guess, slow-loris uploads, and a disabled user's open socket.
 */
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { startApi, type ApiProcess } from '../support/api-process';
import { dialects, freshDatabase } from '../support/harness';
import { RecordingClient } from '../support/live-client';
import {
  ADMIN_PASSWORD,
  FULL,
  Gateway,
  JWT_SECRET,
  call,
  createSites,
  login,
  memoryOf,
  record,
  sleep,
  statusSummary,
} from './support';
import { waitFor } from '../support/wait';

const FUZZ_BODIES = FULL ? 3000 : 1000;

/** A small deterministic PRNG (the seed is in the report, so a failing body can be regenerated). */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4_294_967_296;
  };
}

const NASTY = [
  '__proto__',
  'constructor',
  'prototype',
  '',
  ' ',
  '\u0000',
  '\n',
  '\ud800',
  '😀',
  'x'.repeat(5000),
  '1e309',
  '-0',
  'NaN',
  'Infinity',
  '9007199254740993',
  '"',
  '\\',
  '=',
  ',',
];

interface FuzzBody {
  path: '/api/v1/ingest' | '/api/v1/write';
  type: string;
  encoding?: string;
  body: Buffer;
}

function fuzzBody(r: () => number, now: number): FuzzBody {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const json = r() < 0.55;
  let text: string;
  if (json) {
    const sample = () => {
      const base: Record<string, unknown> = {
        metric: r() < 0.7 ? pick(['it_power_kw', 'inlet_temp_c', 'facility_energy_kwh']) : pick(NASTY),
        ts: r() < 0.7 ? now - Math.floor(r() * 86_400_000) : pick([pick(NASTY), -1, 1e20, null, {}, []]),
        value: r() < 0.7 ? r() * 1000 : pick([pick(NASTY), null, true, [], { a: 1 }, 1e308 * 10]),
      };
      if (r() < 0.3) base.labels = { [pick(['zone', ...NASTY])]: pick(['A1', ...NASTY]) };
      if (r() < 0.1) base.values = { [pick(NASTY)]: r() };
      return base;
    };
    const doc: unknown =
      r() < 0.8
        ? {
            samples: Array.from({ length: Math.floor(r() * 50) }, sample),
            datacenter: r() < 0.1 ? 'OTHER' : undefined,
          }
        : pick([[], 'samples', null, 42, { samples: {} }, { samples: null }]);
    text = JSON.stringify(doc) ?? 'undefined';
    if (r() < 0.15) text = '['.repeat(Math.floor(r() * 100_000)) + text;
  } else {
    const line = () => {
      const tags = r() < 0.5 ? `,${pick(['zone', ...NASTY])}=${pick(['A1', ...NASTY])}` : '';
      const field = `${pick(['it_power_kw', 'inlet_temp_c', ...NASTY])}=${pick([String(r() * 100), '1i', 't', '"s"', ...NASTY])}`;
      const ts =
        r() < 0.7
          ? `${(now - Math.floor(r() * 86_400_000)) * 1e6}`
          : pick(['', 'abc', '-1', '1e99', ...NASTY]);
      return `${pick(['dc', 'dc\\ x', ...NASTY])}${tags} ${field} ${ts}`;
    };
    text = Array.from({ length: Math.floor(r() * 40) }, line).join(pick(['\n', '\r\n', '\n\n', ' ']));
  }
  let body = Buffer.from(text);
  // Byte-level damage: flips, truncation, random garbage.
  const damage = r();
  if (damage < 0.15 && body.length) {
    for (let i = 0; i < 1 + Math.floor(r() * 8); i++)
      body[Math.floor(r() * body.length)] = Math.floor(r() * 256);
  } else if (damage < 0.25) body = body.subarray(0, Math.floor(r() * body.length));
  else if (damage < 0.3)
    body = Buffer.from(Array.from({ length: Math.floor(r() * 4000) }, () => Math.floor(r() * 256)));
  let encoding: string | undefined;
  const enc = r();
  if (enc < 0.1) {
    encoding = 'gzip';
    body = gzipSync(body);
  } else if (enc < 0.13) {
    encoding = 'gzip';
    body = gzipSync(Buffer.alloc(64 * 1024 * 1024)); // a bomb: 64 MB of zeros in ~64 kB
  } else if (enc < 0.15) {
    encoding = 'gzip';
    body = gzipSync(body).subarray(0, Math.max(1, Math.floor(r() * 20))); // truncated gzip
  } else if (enc < 0.17) encoding = pick(['br', 'deflate', 'identity, gzip', 'GZIP']);
  const type = json
    ? pick([
        'application/json',
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/jsonx',
      ])
    : pick(['text/plain', 'text/plain; charset=utf-8', '', 'application/octet-stream', 'application/json']);
  return { path: json ? '/api/v1/ingest' : '/api/v1/write', type, encoding, body };
}

/** Sends headers and then a byte a second of a body that never completes; resolves how the server ended it. */
function slowLoris(url: string, token: string): Promise<{ status: number; closedAfterMs: number }> {
  const u = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname);
    let status = 0;
    socket.write(
      `POST /api/v1/ingest HTTP/1.1\r\nHost: ${u.host}\r\nAuthorization: Bearer ${token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
    );
    const drip = setInterval(() => socket.write(' '), 1000);
    socket.on('data', (d: Buffer) => {
      const m = /^HTTP\/1\.1 (\d{3})/.exec(d.toString());
      if (m && !status) status = Number(m[1]);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      resolve({ status, closedAfterMs: Date.now() - started });
    });
    setTimeout(() => socket.destroy(), 30_000).unref();
  });
}

describe.each(dialects())('hostile clients against the built API on %s', (dialect) => {
  let api: ApiProcess;
  let drop: () => Promise<void>;
  let tokens: Map<string, string>;
  const BODY_TIMEOUT_MS = 3000;

  beforeAll(async () => {
    const db = await freshDatabase(dialect);
    drop = db.drop;
    api = await startApi({
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      ADMIN_PASSWORD,
      JWT_SECRET,
      INGEST_DECODE_WORKERS: '1',
      INGEST_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
      LOGIN_RATE_LIMIT: '5',
      TRUST_PROXY: '1',
    });
    tokens = await createSites(api.url, ['HOST-01', 'HOST-02']);
  });
  afterAll(async () => {
    await api?.kill('SIGTERM');
    await drop?.();
  });

  it(`answers ${FUZZ_BODIES} fuzzed ingest bodies without a 5xx and stays healthy, memory bounded`, async () => {
    const seed = 20261205;
    const r = prng(seed);
    const before = memoryOf(api.child.pid!);
    const statuses = new Map<number, number>();
    const now = Date.now();
    const token = tokens.get('HOST-01')!;
    let next = 0;
    const worker = async () => {
      while (next < FUZZ_BODIES) {
        next++;
        const f = fuzzBody(r, now);
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (f.type) headers['content-type'] = f.type;
        if (f.encoding) headers['content-encoding'] = f.encoding;
        const res = await fetch(api.url + f.path, { method: 'POST', headers, body: f.body });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const after = memoryOf(api.child.pid!);
    const ready = await fetch(`${api.url}/health/ready`);
    const fiveXX = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    const text = [...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${n}×${s}`)
      .join(' ');
    const ok = fiveXX === 0 && ready.ok && after.peak < 1024;
    record({
      scenario: 'fuzzed bodies',
      database: dialect,
      tried: `${FUZZ_BODIES} bodies (seed ${seed}) on /ingest and /write: broken JSON and line protocol, nasty keys and numbers, deep nesting, gzip bombs and truncated gzip, wrong types`,
      held: `${text}; ${fiveXX} × 5xx; ready ${ready.status}; RSS ${before.rss} → ${after.rss} MB, peak ${after.peak} MB`,
      ok,
    });
    expect(fiveXX).toBe(0);
    expect(ready.ok).toBe(true);
    expect(after.peak).toBeLessThan(1024);
  });

  it('counts parallel password guesses before checking them, and the real admin still gets in', async () => {
    const guess = (i: number) =>
      fetch(`${api.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
        body: JSON.stringify({ username: 'admin', password: `wrong-${i}` }),
      }).then((res) => res.status);
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => guess(i)));
    const n = (s: number) => statuses.filter((x) => x === s).length;
    const real = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.2' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const ok = n(401) <= 5 && n(401) + n(429) + n(503) === 60 && real.status === 200;
    record({
      scenario: 'parallel brute force',
      database: dialect,
      tried: '60 parallel wrong passwords for admin from one address (LOGIN_RATE_LIMIT 5)',
      held: `${n(401)}×401 ${n(429)}×429 ${n(503)}×503; the admin from another address: ${real.status}`,
      ok,
    });
    expect(n(401)).toBeLessThanOrEqual(5);
    expect(real.status).toBe(200);
  });

  it('closes slow-loris uploads at the body deadline while another site keeps ingesting', async () => {
    const slow = Array.from({ length: 40 }, () => slowLoris(api.url, tokens.get('HOST-01')!));
    const t0 = Math.floor((Date.now() - 20 * 86_400_000) / 3_600_000) * 3_600_000;
    const other = new Gateway('HOST-02', tokens.get('HOST-02')!, t0, 100);
    await sleep(300);
    other.start(api.url);
    await sleep(BODY_TIMEOUT_MS + 500);
    await other.stop();
    const ended = await Promise.all(slow);
    const closedInTime = ended.filter((e) => e.closedAfterMs <= BODY_TIMEOUT_MS + 2000).length;
    const byStatus = new Map<number, number>();
    for (const e of ended) byStatus.set(e.status, (byStatus.get(e.status) ?? 0) + 1);
    const slowText = [...byStatus].map(([s, n]) => `${n}×${s || 'none'}`).join(' ');
    const otherOk = other.count(200) > 0 && other.statuses.size === 1;
    const ok = otherOk && closedInTime === 40;
    record({
      scenario: 'slow-loris uploads',
      database: dialect,
      tried: `40 connections of one site sending a byte a second (INGEST_BODY_TIMEOUT_MS ${BODY_TIMEOUT_MS})`,
      held: `slow ones: ${slowText}, ${closedInTime}/40 closed by the server within ${(BODY_TIMEOUT_MS + 2000) / 1000} s; other site meanwhile: ${statusSummary([other])}`,
      ok,
    });
    expect(otherOk).toBe(true);
    expect(closedInTime).toBe(40);
  });

  it("disconnects a disabled user's socket at once and refuses it back", async () => {
    const admin = await login(api.url);
    await call(api.url, '/api/v1/users', admin, 'POST', {
      username: 'night-shift',
      password: 'night-shift-password-1',
      role: 'operator',
    });
    const token = await login(api.url, 'night-shift', 'night-shift-password-1');
    const client = await new RecordingClient(api.url, token).connect();
    const gone = new Promise<number>((resolve) => {
      const at = Date.now();
      client.socket.once('disconnect', () => resolve(Date.now() - at));
    });
    const start = Date.now();
    await call(api.url, '/api/v1/users/night-shift', admin, 'PATCH', { disabled: true });
    const afterPatch = Date.now() - start;
    let disconnectedMs = -1;
    await waitFor(
      'the socket to be disconnected',
      async () => {
        disconnectedMs = await Promise.race([gone, sleep(50).then(() => -1)]);
        return disconnectedMs >= 0;
      },
      5000,
    ).catch(() => undefined);
    const again = await new RecordingClient(api.url, token)
      .connect()
      .then((c) => {
        c.socket.close();
        return 'connected';
      })
      .catch((err: Error) => `refused (${err.message})`);
    client.socket.close();
    const ok = disconnectedMs >= 0 && again.startsWith('refused');
    record({
      scenario: "disabled user's socket",
      database: dialect,
      tried: 'an operator with an open socket is disabled by an admin',
      held: `disconnected ${disconnectedMs >= 0 ? `${Math.max(0, disconnectedMs - afterPatch)} ms after the 200` : 'NEVER'}; reconnect ${again}`,
      ok,
    });
    expect(disconnectedMs).toBeGreaterThanOrEqual(0);
    expect(again).toMatch(/^refused/);
  });
});
