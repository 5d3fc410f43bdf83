import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { IngestResponse } from '@dcfleet/contracts';
import { count, rawSamples } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
const HOUR = 3_600_000;
const MIN = 60_000;

/** The value of one Prometheus sample line (exact name + labels), or undefined when absent. */
function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(dialects())('observability on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  const base = Math.floor((Date.now() - 6 * HOUR) / HOUR) * HOUR;

  const ingest = (samples: unknown[], secret = token) =>
    t.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ samples }),
    });
  const scrape = async (bearer?: string) => {
    const res = await t.request('/metrics', { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  beforeAll(async () => {
    t = await bootTestApp(dialect, { METRICS_TOKEN });
    await t.createSite('OBS-01');
    token = (await t.createToken('OBS-01')).token;
  });
  afterAll(() => t.close());

  it('/health/live answers 200 without credentials', async () => {
    const res = await t.request('/health/live');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/health/ready answers 200 with the database type', async () => {
    const res = await t.request('/health/ready');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: dialect });
  });

  it('/metrics (admin JWT) serves Prometheus text with ingest, rejection, latency and rollup-lag metrics', async () => {
    const admin = await t.login('admin');
    const before = await scrape(admin);
    expect(before.status).toBe(200);
    const accepted0 = metricValue(before.text, 'dcfleet_ingest_samples_accepted_total') ?? 0;

    const res = await ingest([
      { metric: 'it_power_kw', ts: base, value: 800 },
      { metric: 'it_power_kw', ts: base + MIN, value: 850 },
      { metric: 'it_power_kw', ts: base + 2 * MIN, value: -1 },
      { metric: 'no_such_metric', ts: base, value: 1 },
    ]);
    expect(res.status).toBe(200);
    expect(((await res.json()) as IngestResponse).accepted).toBe(2);

    const after = await scrape(admin);
    expect(after.status).toBe(200);
    expect(after.type).toMatch(/^text\/plain;/);
    expect(after.type).toContain('version=0.0.4');
    expect(after.text).toContain('# TYPE dcfleet_ingest_samples_accepted_total counter');
    expect(metricValue(after.text, 'dcfleet_ingest_samples_accepted_total')).toBe(accepted0 + 2);
    expect(
      metricValue(after.text, 'dcfleet_ingest_samples_rejected_total{reason="out_of_range"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(after.text, 'dcfleet_ingest_samples_rejected_total{reason="unknown_metric"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metricValue(after.text, 'dcfleet_ingest_requests_total{endpoint="json",status="200"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(after.text).toMatch(
      /^dcfleet_http_request_duration_seconds_bucket\{le="[0-9.]+",method="POST",route="\/api\/v1\/ingest",status="200"\} \d+$/m,
    );
    expect(after.text).toMatch(/^dcfleet_rollup_lag_seconds \d+(\.\d+)?$/m);
    expect(after.text).toMatch(/^dcfleet_process_cpu_seconds_total /m); // default process metrics
  });

  it('/metrics takes METRICS_TOKEN as a bearer; regulator, operator, ingest token, wrong token and no token get 401', async () => {
    const ok = await scrape(METRICS_TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('dcfleet_ingest_samples_accepted_total');
    for (const bearer of [
      await t.login('regulator'),
      await t.login('operator'),
      token,
      `${METRICS_TOKEN}x`,
      undefined,
    ]) {
      const denied = await scrape(bearer);
      expect(denied.status).toBe(401);
      expect(denied.text).not.toContain('dcfleet_');
    }
  });

  it('serves the Swagger UI at /api/docs and the OpenAPI document listing the ingest API', async () => {
    const ui = await t.request('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toMatch(/text\/html/);
    expect(await ui.text()).toMatch(/swagger-ui/i);
    const doc = await t.request('/api/docs/openapi.json');
    expect(doc.status).toBe(200);
    const spec = (await doc.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.paths['/api/v1/ingest']).toHaveProperty('post');
    expect(spec.paths['/api/v1/write']).toHaveProperty('post');
    expect(spec.paths['/api/v1/datacenters']).toHaveProperty('get');
    expect(spec.paths['/api/v1/auth/login']).toHaveProperty('post');
  });

  it('storage down → ingest 503 with Retry-After and nothing stored; recovers once storage is back', async () => {
    // Warm up: this token and the admin session have been used just now.
    expect((await ingest([{ metric: 'outdoor_temp_c', ts: base, value: 10 }])).status).toBe(200);
    const samples0 = (await rawSamples(t)).length;
    const receipts0 = await count(t, 'SELECT COUNT(*) AS n FROM receipts');
    // A token never presented before: its check has to reach the database.
    const cold = await t.createToken('OBS-01');
    const outageBatch = [{ metric: 'outdoor_temp_c', ts: base + 30 * MIN, value: 11 }];

    const outage = await startOutage(t);
    try {
      const res = await ingest(outageBatch);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { message: string }).message).toMatch(/storage unavailable/);
      // SQLite: the batch transaction starts DEFERRED and reads before it writes, and SQLite never waits
      // (busy_timeout) to upgrade a read transaction, so the 503 comes at once rather than after 5 s.
      if (dialect === 'postgres') {
        const ready = await t.request('/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.headers.get('retry-after')).toBeTruthy();
        const coldRes = await ingest(outageBatch, cold.token);
        expect(coldRes.status).toBe(503);
      }
    } finally {
      await outage.end();
    }

    // Back: the same batch is accepted and was not stored before.
    let res = await ingest(outageBatch);
    for (let i = 0; i < 20 && res.status === 503; i++) {
      await new Promise((r) => setTimeout(r, 250));
      res = await ingest(outageBatch);
    }
    expect(res.status).toBe(200);
    expect((await t.request('/health/ready')).status).toBe(200);
    expect((await rawSamples(t)).length).toBe(samples0 + 1);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM receipts')).toBe(receipts0 + 1);
    const text = (await scrape(METRICS_TOKEN)).text;
    expect(
      metricValue(text, 'dcfleet_ingest_requests_total{endpoint="json",status="503"}'),
    ).toBeGreaterThanOrEqual(1);
  });
});

/**
 * Makes the app's storage unavailable. PostgreSQL: refuse new connections to the test database and
 * terminate the existing ones. SQLite: hold the write lock from a second connection (the app's busy_timeout
 * is 5 s).
 */
async function startOutage(t: TestApp): Promise<{ end: () => Promise<void> }> {
  if (t.dialect === 'sqlite') {
    const db = new Database(t.databaseUrl.slice('sqlite:'.length));
    db.exec('BEGIN EXCLUSIVE');
    return {
      end: async () => {
        db.exec('ROLLBACK');
        db.close();
      },
    };
  }
  const name = new URL(t.databaseUrl).pathname.slice(1);
  const admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  await admin.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [name],
  );
  return {
    end: async () => {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await admin.end();
    },
  };
}
