/**
 * Minimal load generator until the demo-fleet simulator lands: posts live samples for N sites to any dcfleet
 * instance through the real ingest API. `npm run simulate -- --url http://host:3000 --admin-user admin
 * --admin-password … --sites 5 --rate 10`.
 */
import { parseArgs } from 'node:util';
import type { IngestEntry } from '@dcfleet/contracts';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    'admin-user': { type: 'string', default: 'admin' },
    'admin-password': { type: 'string' },
    sites: { type: 'string', default: '3' },
    rate: { type: 'string', default: '0.1' },
  },
});

async function main(): Promise<void> {
  const url = values.url!;
  if (!values['admin-password']) throw new Error('--admin-password is required');
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: values['admin-user'], password: values['admin-password'] }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
  const tokens: { code: string; token: string }[] = [];
  for (let i = 1; i <= Number(values.sites); i++) {
    const code = `SIM-${String(i).padStart(2, '0')}`;
    await fetch(`${url}/api/v1/datacenters`, { method: 'POST', headers: auth, body: JSON.stringify({ code, name: `Simulated ${code}` }) });
    const t = await fetch(`${url}/api/v1/datacenters/${code}/tokens`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'simulator' }) });
    tokens.push({ code, token: ((await t.json()) as { token: string }).token });
  }
  const every = 1000 / Number(values.rate);
  console.log(`posting for ${tokens.length} sites every ${every} ms to ${url}`);
  setInterval(() => {
    const ts = Date.now();
    for (const { token } of tokens) {
      const it = 800 + Math.random() * 50;
      const samples: IngestEntry[] = [{ ts, values: { it_power_kw: it, facility_power_kw: it * 1.3 } }];
      void fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ samples }) });
    }
  }, every);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
