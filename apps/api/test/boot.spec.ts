/** Boot-time configuration checks of the built API process (docs/contract.md "API" and README "Configuration"). */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuiltApi, runToExit, startApi } from './support/api-process';

describe('booting apps/api/dist/main.js', () => {
  let dir: string;
  const dataDir = (name: string) => join(dir, name);
  // The refused boots run concurrently (each spends ~2 s loading modules before it checks anything).
  let runs: Record<'noPassword' | 'weak' | 'many', ReturnType<typeof runToExit>>;
  beforeAll(() => {
    requireBuiltApi();
    dir = mkdtempSync(join(tmpdir(), 'dcfleet-boot-'));
    runs = {
      noPassword: runToExit({ DEMO: '0', DATA_DIR: dataDir('no-password'), PORT: '0' }),
      weak: runToExit({ DEMO: '0', ADMIN_PASSWORD: 'hunter2', DATA_DIR: dataDir('weak'), PORT: '0' }),
      many: runToExit({
        DEMO: '0',
        PORT: 'abc',
        DATABASE_URL: 'mysql://root@db/x',
        REDIS_URL: 'http://x',
        DATA_DIR: dataDir('many'),
      }),
    };
    for (const r of Object.values(runs)) r.catch(() => undefined); // failures surface in the tests
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('DEMO=0 without ADMIN_PASSWORD exits 1 with a clear message and creates nothing', async () => {
    const data = dataDir('no-password');
    const { code, stdout, stderr } = await runs.noPassword;
    expect(code).toBe(1);
    expect(stderr).toContain('dcfleet cannot start');
    expect(stderr).toContain('ADMIN_PASSWORD is required when DEMO=0');
    expect(stderr).toContain('.env.example');
    expect(stdout).not.toMatch(/listening/);
    expect(existsSync(data)).toBe(false);
  });

  it('DEMO=0 with a weak ADMIN_PASSWORD exits 1 without echoing the password', async () => {
    const { code, stderr } = await runs.weak;
    expect(code).toBe(1);
    expect(stderr).toMatch(/ADMIN_PASSWORD must be at least 12 characters/);
    expect(stderr).not.toContain('hunter2');
  });

  it('reports every bad variable on its own line in one boot', async () => {
    const { code, stderr } = await runs.many;
    expect(code).toBe(1);
    for (const line of [
      /- PORT .*number/,
      /- DATABASE_URL must be sqlite:<path> or postgres/,
      /- REDIS_URL must be redis:\/\//,
      /- ADMIN_PASSWORD is required/,
    ]) {
      expect(stderr).toMatch(line);
    }
  });

  it('DEMO=0 with a strong ADMIN_PASSWORD boots an empty instance whose admin can log in', async () => {
    const data = dataDir('ok');
    const api = await startApi({
      DEMO: '0',
      ADMIN_PASSWORD: 'boot-test-admin-password',
      DATA_DIR: data,
      DATABASE_URL: `sqlite:${join(data, 'db.sqlite')}`,
    });
    try {
      const ready = await fetch(`${api.url}/health/ready`);
      expect(await ready.json()).toEqual({ status: 'ok', database: 'sqlite' });
      const login = await fetch(`${api.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'boot-test-admin-password' }),
      });
      expect(login.status).toBe(200);
      const { accessToken } = (await login.json()) as { accessToken: string };
      const sites = await fetch(`${api.url}/api/v1/datacenters`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(await sites.json()).toEqual([]); // no demo fleet
      expect(existsSync(join(data, 'jwt-secret'))).toBe(true); // generated JWT secret kept in the data directory
    } finally {
      await api.kill('SIGTERM');
    }
    expect(api.child.exitCode === 0 || api.child.signalCode === 'SIGTERM').toBe(true);
  });

  it('answers on a keep-alive connection left idle for 6 s (proxies reuse idle upstream connections ~60 s)', async () => {
    const data = dataDir('keep-alive');
    const api = await startApi({
      DEMO: '0',
      ADMIN_PASSWORD: 'boot-test-admin-password',
      DATA_DIR: data,
      DATABASE_URL: `sqlite:${join(data, 'db.sqlite')}`,
    });
    const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
    try {
      let received = '';
      let closed = false;
      socket.on('data', (d: Buffer) => (received += d.toString()));
      socket.on('close', () => (closed = true));
      const answers = () => received.split('HTTP/1.1 200').length - 1;
      // One request on the socket; resolves with the number of answers once it is answered or the socket is gone.
      const ask = async (): Promise<number> => {
        const before = answers();
        socket.write('GET /health/live HTTP/1.1\r\nHost: dcfleet\r\n\r\n');
        const deadline = Date.now() + 5000;
        while (answers() === before && !closed && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
        return answers();
      };
      expect(await ask()).toBe(1);
      await new Promise((r) => setTimeout(r, 6000)); // Node's default keepAliveTimeout (5 s) would close it here
      expect(closed).toBe(false);
      expect(await ask()).toBe(2);
    } finally {
      socket.destroy();
      await api.kill('SIGTERM');
    }
  }, 20_000);
});
