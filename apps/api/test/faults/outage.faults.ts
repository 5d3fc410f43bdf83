/**
 * The database goes away under load (issue #19 item 7): PostgreSQL refuses connections for a while, SQLite's disk
 * fills up. Ingest answers 503 + Retry-After meanwhile (never 500), stores no half request, and recovers on its own
 * once the database is back — no restart — with the rollups repaired.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startApi } from '../support/api-process';
import { dialects, freshDatabase } from '../support/harness';
import {
  ADMIN_PASSWORD,
  FULL,
  Gateway,
  JWT_SECRET,
  checkStore,
  createSites,
  heldOf,
  record,
  sleep,
  statusSummary,
} from './support';
import { waitFor } from '../support/wait';

const baseEnv = { ADMIN_PASSWORD, JWT_SECRET, ROLLUP_FLUSH_MS: '300', INGEST_DECODE_WORKERS: '1' };

/** Statuses seen by the gateways since `before` (a copy of their counts then). */
function since(gateways: Gateway[], before: Map<number, number>[]): Map<number, number> {
  const out = new Map<number, number>();
  gateways.forEach((g, i) => {
    for (const [s, n] of g.statuses) {
      const d = n - (before[i]!.get(s) ?? 0);
      if (d) out.set(s, (out.get(s) ?? 0) + d);
    }
  });
  return out;
}

const describeText = (m: Map<number, number>) =>
  [...m]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${n}×${s}`)
    .join(' ');

const acked = (gateways: Gateway[]) => gateways.reduce((n, g) => n + g.acked.length, 0);

if (dialects().includes('postgres')) {
  describe('PostgreSQL outage during ingest', () => {
    const outageMs = FULL ? 10_000 : 4_000;

    it(`answers 503 + Retry-After for ${outageMs / 1000} s of refused connections and recovers without a restart`, async () => {
      const db = await freshDatabase('postgres');
      const name = new URL(db.url).pathname.slice(1);
      const api = await startApi({ ...baseEnv, DATABASE_URL: db.url, DATA_DIR: db.dataDir });
      const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      try {
        const tokens = await createSites(api.url, ['OUT-01', 'OUT-02']);
        const t0 = Math.floor((Date.now() - 20 * 86_400_000) / 3_600_000) * 3_600_000;
        const gateways = [...tokens].map(([code, token]) => new Gateway(code, token, t0));
        for (const g of gateways) g.start(api.url);
        await sleep(1500);
        const before = gateways.map((g) => new Map(g.statuses));
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          name,
        ]);
        await sleep(outageMs);
        const during = since(gateways, before);
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        const ackedAtRestore = acked(gateways);
        const recoveryMs = await waitFor(
          'a 200 after the outage',
          async () => acked(gateways) > ackedAtRestore,
          30_000,
        );
        await sleep(1500);
        await Promise.all(gateways.map((g) => g.stop()));
        const check = await checkStore(api.url, db.url, gateways);
        const store = heldOf(check);
        const missingRetryAfter = gateways.reduce((n, g) => n + g.retryAfterMissing, 0);
        const ok = store.ok && !during.has(500) && missingRetryAfter === 0 && (during.get(503) ?? 0) > 0;
        record({
          scenario: 'database outage',
          database: 'postgres',
          tried: `connections refused and killed for ${outageMs / 1000} s under 2 gateways (${statusSummary(gateways)})`,
          held:
            `during: ${describeText(during)}, Retry-After missing on ${missingRetryAfter}; first 200 ${recoveryMs} ms ` +
            `after, same process; ${store.held}`,
          ok,
        });
        expect(during.has(500)).toBe(false);
        expect(during.get(503)).toBeGreaterThan(0);
        expect(missingRetryAfter).toBe(0);
        expect(store.ok).toBe(true);
      } finally {
        await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
        await admin.end();
        await api.kill('SIGTERM');
        await db.drop();
      }
    });
  });
}

describe('SQLite disk full during ingest', () => {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;

  it('answers 503 + Retry-After while the disk is full and recovers without a restart once there is space', async () => {
    if (!root) {
      record({
        scenario: 'disk full',
        database: 'sqlite',
        tried: 'skipped: mounting a small tmpfs needs root',
        held: '-',
        ok: true,
      });
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'dcfleet-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir]);
    const url = `sqlite:${join(dir, 'dcfleet.sqlite')}`;
    let api;
    try {
      api = await startApi({ ...baseEnv, DATABASE_URL: url, DATA_DIR: dir });
      const tokens = await createSites(api.url, ['FULL-01', 'FULL-02']);
      const t0 = Math.floor((Date.now() - 20 * 86_400_000) / 3_600_000) * 3_600_000;
      const gateways = [...tokens].map(([code, token]) => new Gateway(code, token, t0, 1000));
      for (const g of gateways) g.start(api.url);
      const fillMs = await waitFor(
        'the disk to fill up (a 503)',
        async () => gateways.some((g) => g.count(503) > 0),
        FULL ? 180_000 : 90_000,
      );
      const before = gateways.map((g) => new Map(g.statuses));
      await sleep(2000);
      const during = since(gateways, before);
      execFileSync('mount', ['-o', 'remount,size=512m', dir]);
      const ackedAtRestore = acked(gateways);
      const recoveryMs = await waitFor(
        'a 200 after space came back',
        async () => acked(gateways) > ackedAtRestore,
        30_000,
      );
      await sleep(1500);
      await Promise.all(gateways.map((g) => g.stop()));
      const check = await checkStore(api.url, url, gateways);
      const store = heldOf(check);
      const all = since(
        gateways,
        gateways.map(() => new Map()),
      );
      const missingRetryAfter = gateways.reduce((n, g) => n + g.retryAfterMissing, 0);
      const ok = store.ok && !all.has(500) && missingRetryAfter === 0;
      record({
        scenario: 'disk full',
        database: 'sqlite',
        tried: `4 MB tmpfs filled after ${(fillMs / 1000).toFixed(1)} s by 2 gateways (1,000-sample batches), full for 2 s, then grown`,
        held:
          `while full: ${describeText(during)}; overall ${statusSummary(gateways)}, Retry-After missing on ` +
          `${missingRetryAfter}; first 200 ${recoveryMs} ms after, same process; ${store.held}`,
        ok,
      });
      expect(all.has(500)).toBe(false);
      expect(missingRetryAfter).toBe(0);
      expect(store.ok).toBe(true);
    } finally {
      await api?.kill('SIGTERM');
      execFileSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
