// npm run bench:admin-writes — admin writes while the demo backfills its history (SQLite by default): an
// organisation created and deleted every 0.3 s for BENCH_SECONDS (default 60) against the built API
// (apps/api/dist, or BENCH_API_MAIN for an A/B), in demo mode on a fresh database. Prints the answers by status and
// their latency; asserts nothing. Before 15e32e9 about one answer in seven was 503 "storage unavailable".
import { freshDatabase, percentile, startApi } from './lib.mjs';

const KIND = process.env.BENCH_DB ?? 'sqlite';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);

const db = await freshDatabase(KIND);
const api = await startApi(db.url, db.dataDir, { DEMO: '1', LOG_LEVEL: 'error' });
const headers = { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` };
const statuses = {};
const latencies = [];
try {
  const t0 = Date.now();
  for (let i = 0; Date.now() - t0 < SECONDS * 1000; i++) {
    const code = `BENCH-W-${i}`;
    const calls = [
      ['POST', '/api/v1/organizations', { code, name: code }],
      ['DELETE', `/api/v1/organizations/${code}`],
    ];
    for (const [method, path, body] of calls) {
      const started = performance.now();
      const res = await fetch(api.url + path, { method, headers, body: body && JSON.stringify(body) });
      await res.text();
      latencies.push(performance.now() - started);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
} finally {
  await api.stop();
  await db.drop();
}
latencies.sort((a, b) => a - b);
const ms = (v) => `${Math.round(v)} ms`;
console.log(
  `bench:admin-writes — ${KIND}, demo backfill running, ${SECONDS} s: answers ${JSON.stringify(statuses)}; ` +
    `latency p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1))}`,
);
