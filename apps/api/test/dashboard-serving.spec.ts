import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { bootTestApp, dialects, type TestApp } from './support/harness';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as sent (still compressed when Content-Encoding says so). */
  body: Buffer;
}

/** A GET that shows the answer as it is on the wire (fetch would negotiate and decode by itself). */
function rawGet(base: string, path: string, headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(a: RawAnswer): string {
  const enc = a.headers['content-encoding'];
  if (enc === 'gzip') return gunzipSync(a.body).toString('utf8');
  if (enc === 'br') return brotliDecompressSync(a.body).toString('utf8');
  return a.body.toString('utf8');
}

/**
 * How the API serves the built dashboard and JSON (issue #18 item 6): gzip or brotli when the client accepts it,
 * identity when it does not; Vite's hashed assets cached for a year as immutable, index.html revalidated.
 */
describe.each(dialects())('dashboard files and JSON: compression and caching on %s', (dialect) => {
  let t: TestApp;
  let dir: string;
  const js = `export const big = ${JSON.stringify('x'.repeat(5000))};\n`;
  const css = `body { color: black; }\n${'.c { margin: 0 }\n'.repeat(300)}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dcfleet-dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      `<!doctype html><script src="/assets/index-AbC_12-z.js"></script>`,
    );
    writeFileSync(join(dir, 'assets', 'index-AbC_12-z.js'), js);
    writeFileSync(join(dir, 'assets', 'index-Xy9-abcd.css'), css);
    writeFileSync(join(dir, 'assets', 'notes.txt'), 'not hashed');
    t = await bootTestApp(dialect, { DASHBOARD_DIR: dir });
    for (let i = 0; i < 30; i++) await t.createSite(`ZIP-${String(i).padStart(2, '0')}`);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['gzip', 'gzip, deflate'],
    ['br', 'gzip, deflate, br'],
  ])('JS, CSS and JSON come back %s-encoded when the client accepts it', async (encoding, accept) => {
    const token = await t.login('admin');
    for (const [path, headers, text] of [
      ['/assets/index-AbC_12-z.js', {}, js],
      ['/assets/index-Xy9-abcd.css', {}, css],
      ['/api/v1/datacenters', { authorization: `Bearer ${token}` }, undefined],
    ] as const) {
      const a = await rawGet(t.url, path, { 'accept-encoding': accept, ...headers });
      expect(a.status).toBe(200);
      expect(a.headers['content-encoding']).toBe(encoding);
      expect(a.headers['vary']).toMatch(/Accept-Encoding/i);
      if (text !== undefined) expect(decoded(a)).toBe(text);
      else expect((JSON.parse(decoded(a)) as unknown[]).length).toBe(30);
      expect(a.body.length).toBeLessThan(Buffer.byteLength(decoded(a)) / 2);
    }
  });

  it('answers are not compressed when the client does not ask (or refuses), nor when they are small', async () => {
    const token = await t.login('admin');
    for (const accept of [undefined, 'identity']) {
      const headers: Record<string, string> = accept ? { 'accept-encoding': accept } : {};
      const asset = await rawGet(t.url, '/assets/index-AbC_12-z.js', headers);
      expect(asset.headers['content-encoding']).toBeUndefined();
      expect(asset.body.toString('utf8')).toBe(js);
      const list = await rawGet(t.url, '/api/v1/datacenters', {
        ...headers,
        authorization: `Bearer ${token}`,
      });
      expect(list.headers['content-encoding']).toBeUndefined();
      expect((JSON.parse(list.body.toString('utf8')) as unknown[]).length).toBe(30);
    }
    // Under the 1 kB threshold: as is, even when gzip is welcome.
    const small = await rawGet(t.url, '/health/ready', { 'accept-encoding': 'gzip' });
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('ingest answers are never compressed', async () => {
    const token = (await t.createToken('ZIP-00')).token;
    const samples = Array.from({ length: 50 }, (_, i) => ({
      metric: 'it_power_kw',
      ts: Date.now() - i * 1000,
      value: i,
    }));
    const res = await t.request('/api/v1/ingest', {
      method: 'POST',
      token,
      headers: { 'accept-encoding': 'gzip, br' },
      json: { samples },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('content-encoding')).toBeNull();
  });

  it('hashed assets are cached for a year as immutable; index.html and client routes are revalidated', async () => {
    for (const path of ['/assets/index-AbC_12-z.js', '/assets/index-Xy9-abcd.css']) {
      const a = await rawGet(t.url, path, {});
      expect(a.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    for (const path of ['/', '/index.html', '/sites/ZIP-00']) {
      const a = await rawGet(t.url, path, { 'accept-encoding': 'gzip' });
      expect(a.status).toBe(200);
      expect(a.headers['cache-control']).toBe('no-cache');
      expect(decoded(a)).toContain('/assets/index-AbC_12-z.js');
    }
    // Not a build output name: an hour, as before.
    expect((await rawGet(t.url, '/assets/notes.txt', {})).headers['cache-control']).toBe(
      'public, max-age=3600',
    );
  });
});
