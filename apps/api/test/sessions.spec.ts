/**
 * Issue #19 (hardening): sessions end when they should, on every instance; login throttling holds under parallel
 * guesses; a demo's data directory reused with DEMO=0 keeps no public login.
 */
import type { CreatedIngestToken, LoginResponse, UserInfo } from '@dcfleet/contracts';
import { DEMO_TOKEN_NAME, DEMO_USERS } from '../src/demo/demo.service';
import {
  ADMIN_PASSWORD,
  bootTestApp,
  bootTestAppOn,
  dialects,
  freshDatabase,
  type TestApp,
} from './support/harness';
import { RecordingClient, refusal } from './support/live-client';
import { bootCluster, type Cluster } from './support/multi';

const SITE = 'SES-01';

/** A login; `from` poses as that client address (the suite trusts X-Forwarded-For, as behind a proxy). */
async function loginAs(
  t: Pick<TestApp, 'request'>,
  username: string,
  password: string,
  from?: string,
): Promise<Response> {
  return t.request('/api/v1/auth/login', {
    method: 'POST',
    json: { username, password },
    headers: from ? { 'x-forwarded-for': from } : {},
  });
}

async function tokenOf(t: Pick<TestApp, 'request'>, username: string, password: string): Promise<string> {
  const res = await loginAs(t, username, password);
  expect(res.status).toBe(200);
  return ((await res.json()) as LoginResponse).accessToken;
}

/** Resolves when the socket is disconnected by the server (rejects after `ms`). */
function disconnected(c: RecordingClient, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!c.socket.connected) return resolve('already');
    const timer = setTimeout(() => reject(new Error('socket still connected')), ms);
    c.socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe.each(dialects())('sessions and logins on %s', (dialect) => {
  let t: TestApp;
  let admin: string;
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    t = await bootTestApp(dialect, { LOGIN_RATE_LIMIT: '5', TRUST_PROXY: '1' });
    admin = await t.login('admin');
    await t.createSite(SITE);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(() => t.close());

  let n = 0;
  async function newUser(role: 'operator' | 'regulator' | 'admin' = 'operator') {
    const username = `ses-user-${++n}`;
    const password = `ses-password-${n}-long`;
    const res = await t.request('/api/v1/users', {
      method: 'POST',
      token: admin,
      json: { username, password, role },
    });
    expect(res.status).toBe(201);
    return { username, password, token: await tokenOf(t, username, password) };
  }

  async function socketOf(token: string): Promise<RecordingClient> {
    const c = await new RecordingClient(t.url, token).connect();
    clients.push(c);
    return c;
  }

  const works = async (token: string) => (await t.request('/api/v1/datacenters', { token })).status;

  it.each<[string, { password?: string; role?: string; disabled?: boolean }]>([
    ['a password reset', { password: 'a-brand-new-password' }],
    ['a role change', { role: 'regulator' }],
    ['a disable', { disabled: true }],
  ])(
    '%s ends every existing session of the user: HTTP 401 and its sockets disconnected at once',
    async (_, patch) => {
      const u = await newUser();
      const second = await tokenOf(t, u.username, u.password); // another device
      const socket = await socketOf(u.token);
      expect(await works(u.token)).toBe(200);

      const gone = disconnected(socket);
      const res = await t.request(`/api/v1/users/${u.username}`, {
        method: 'PATCH',
        token: admin,
        json: patch,
      });
      expect(res.status).toBe(200);
      await expect(gone).resolves.toBe('io server disconnect');
      expect(await works(u.token)).toBe(401);
      expect(await works(second)).toBe(401);
      // The old token cannot open a new socket either.
      expect(await refusal(t.url, u.token)).toBe('unauthorized');
      if (!patch.disabled) {
        const fresh = await tokenOf(t, u.username, patch.password ?? u.password);
        expect(await works(fresh)).toBe(200);
      }
    },
  );

  it('a PATCH that changes nothing ends no session', async () => {
    const u = await newUser();
    const res = await t.request(`/api/v1/users/${u.username}`, {
      method: 'PATCH',
      token: admin,
      json: { role: 'operator' },
    });
    expect(res.status).toBe(200);
    expect(await works(u.token)).toBe(200);
  });

  it('log out everywhere ends the caller’s sessions (this one included); an admin can do it for a user', async () => {
    const u = await newUser();
    const other = await tokenOf(t, u.username, u.password);
    const socket = await socketOf(other);
    const gone = disconnected(socket);
    const res = await t.request('/api/v1/auth/logout-all', { method: 'POST', token: u.token });
    expect(res.status).toBe(204);
    await gone;
    expect(await works(u.token)).toBe(401);
    expect(await works(other)).toBe(401);

    const again = await tokenOf(t, u.username, u.password);
    expect(await works(again)).toBe(200);
    const byAdmin = await t.request(`/api/v1/users/${u.username}/logout`, { method: 'POST', token: admin });
    expect(byAdmin.status).toBe(200);
    expect(await works(again)).toBe(401);
    // Only an admin may end someone else's sessions.
    const op = await newUser();
    expect(
      (await t.request(`/api/v1/users/${u.username}/logout`, { method: 'POST', token: op.token })).status,
    ).toBe(403);
    expect((await t.request('/api/v1/auth/logout-all', { method: 'POST' })).status).toBe(401);
    const audit = (await (await t.request('/api/v1/audit?limit=50', { token: admin })).json()) as {
      action: string;
      target: string | null;
    }[];
    expect(audit.filter((a) => a.target === u.username).map((a) => a.action)).toEqual(
      expect.arrayContaining(['auth.logout_all', 'user.logout_all']),
    );
  });

  it('60 parallel wrong passwords: only LOGIN_RATE_LIMIT reach the password check, the rest get 429', async () => {
    const u = await newUser();
    const statuses = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        loginAs(t, u.username, `wrong-guess-${i}`, '10.9.0.1').then((r) => r.status),
      ),
    );
    const tally = (s: number) => statuses.filter((x) => x === s).length;
    expect({ 401: tally(401), 429: tally(429) }).toEqual({ 401: 5, 429: 55 });
    // The attacker's address is locked out, even with the right password ...
    expect((await loginAs(t, u.username, u.password, '10.9.0.1')).status).toBe(429);
    // ... but not the user at their own address.
    expect((await loginAs(t, u.username, u.password, '10.9.0.2')).status).toBe(200);
  });

  it('a guess spread over many addresses locks the username everywhere until an admin lifts it', async () => {
    const u = await newUser();
    // 10 addresses × 5 failures = 50 = LOGIN_RATE_LIMIT × 10: the username's own limit.
    for (let a = 0; a < 10; a++)
      for (let i = 0; i < 5; i++)
        expect((await loginAs(t, u.username, `spread-${a}-${i}`, `10.8.0.${a}`)).status).toBe(401);
    expect((await loginAs(t, u.username, u.password, '10.8.1.1')).status).toBe(429);
    expect(
      (await t.request(`/api/v1/users/${u.username}/unlock`, { method: 'POST', token: u.token })).status,
    ).toBe(403);
    const lift = await t.request(`/api/v1/users/${u.username}/unlock`, { method: 'POST', token: admin });
    expect(lift.status).toBe(200);
    expect(((await lift.json()) as { cleared: number }).cleared).toBeGreaterThan(0);
    expect((await loginAs(t, u.username, u.password, '10.8.1.1')).status).toBe(200);
  });
});

describe.each(dialects())('leaving demo mode on %s', (dialect) => {
  it('DEMO=0 on a demo’s data disables the public demo logins, revokes the demo fleet’s tokens, ends old sessions and applies ADMIN_PASSWORD', async () => {
    const db = await freshDatabase(dialect);
    const demoEnv = { DEMO: '1', ADMIN_PASSWORD: '' };
    let demo: TestApp | undefined = await bootTestAppOn(dialect, db, demoEnv);
    let prod: TestApp | undefined;
    try {
      const demoAdmin = await tokenOf(demo, 'admin', 'admin-demo-pass');
      const operator = await tokenOf(demo, 'operator', 'operator-demo-pass');
      expect(
        (
          await demo.request('/api/v1/datacenters', {
            method: 'POST',
            token: demoAdmin,
            json: { code: SITE, name: 'Demo' },
          })
        ).status,
      ).toBe(201);
      const made = await demo.request(`/api/v1/datacenters/${SITE}/tokens`, {
        method: 'POST',
        token: demoAdmin,
        json: { name: DEMO_TOKEN_NAME },
      });
      expect(made.status).toBe(201);
      const demoToken = (await made.json()) as CreatedIngestToken;
      await demo.app.close();
      demo = undefined;

      prod = await bootTestAppOn(dialect, db, { DEMO: '0', ADMIN_PASSWORD });
      for (const u of DEMO_USERS) expect((await loginAs(prod, u.username, u.password)).status).toBe(401);
      expect((await prod.request('/api/v1/datacenters', { token: demoAdmin })).status).toBe(401);
      expect((await prod.request('/api/v1/datacenters', { token: operator })).status).toBe(401);
      const admin = await tokenOf(prod, 'admin', ADMIN_PASSWORD);
      const users = (await (await prod.request('/api/v1/users', { token: admin })).json()) as UserInfo[];
      expect(users.map((u) => [u.username, u.role, u.disabled])).toEqual(
        expect.arrayContaining([
          ['admin', 'admin', false],
          ['operator', 'operator', true],
          ['regulator', 'regulator', true],
        ]),
      );
      const ingest = await prod.request('/api/v1/ingest', {
        method: 'POST',
        headers: { authorization: `Bearer ${demoToken.token}` },
        json: { samples: [{ metric: 'it_power_kw', ts: Date.now() - 60_000, value: 1 }] },
      });
      expect(ingest.status).toBe(403);
      // A second production boot changes nothing more.
      await prod.app.close();
      prod = await bootTestAppOn(dialect, db, { DEMO: '0', ADMIN_PASSWORD });
      expect((await prod.request('/api/v1/datacenters', { token: admin })).status).toBe(200);
    } finally {
      await demo?.app.close();
      await prod?.app.close();
      await db.drop();
    }
  });
});

const PG = process.env.TEST_DATABASE_URL;
const REDIS = process.env.TEST_REDIS_URL;
(PG && REDIS ? describe : describe.skip)('sessions across two instances (PostgreSQL + Redis)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await bootCluster(2, {
      REDIS_URL: REDIS!,
      REDIS_PREFIX: `dcfleet-test-${process.pid}-${Date.now()}`,
      LOGIN_RATE_LIMIT: '2',
      TRUST_PROXY: '1',
    });
  });
  afterAll(() => cluster.close());

  it('disabling a user on instance 0 ends its HTTP session and its socket on instance 1 at once', async () => {
    const [a, b] = cluster.instances;
    const admin = await cluster.login('admin');
    const req = (url: string, path: string, init: RequestInit & { token?: string; json?: unknown } = {}) =>
      fetch(url + path, {
        ...init,
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      });
    expect(
      (
        await req(a!.url, '/api/v1/users', {
          method: 'POST',
          token: admin,
          json: { username: 'roamer', password: 'roamer-password-1', role: 'operator' },
        })
      ).status,
    ).toBe(201);
    const login = await req(b!.url, '/api/v1/auth/login', {
      method: 'POST',
      json: { username: 'roamer', password: 'roamer-password-1' },
    });
    const token = ((await login.json()) as LoginResponse).accessToken;
    expect((await req(b!.url, '/api/v1/datacenters', { token })).status).toBe(200); // cached on instance 1 now
    const socket = await new RecordingClient(b!.url, token).connect();
    try {
      const gone = disconnected(socket);
      expect(
        (
          await req(a!.url, '/api/v1/users/roamer', {
            method: 'PATCH',
            token: admin,
            json: { disabled: true },
          })
        ).status,
      ).toBe(200);
      await gone;
      // Instance 1 dropped its cached copy of the user when told (no 5 s cache window): poll briefly for the relay.
      const deadline = Date.now() + 2000;
      let status = 200;
      while (status !== 401 && Date.now() < deadline) {
        status = (await req(b!.url, '/api/v1/datacenters', { token })).status;
        if (status !== 401) await new Promise((r) => setTimeout(r, 20));
      }
      expect(status).toBe(401);
    } finally {
      socket.close();
    }
  });

  it('counts failed logins on every instance (Redis), and an unlock on one lifts the lockout on all', async () => {
    const [a, b] = cluster.instances;
    const admin = await cluster.login('admin');
    const attempt = (url: string, from: string, password = 'wrong-password') =>
      fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ username: 'admin', password }),
      }).then((res) => res.status);
    // LOGIN_RATE_LIMIT 2 per address: one failure on each instance uses it up for both.
    expect(await attempt(a!.url, '203.0.113.1')).toBe(401);
    expect(await attempt(b!.url, '203.0.113.1')).toBe(401);
    expect(await attempt(a!.url, '203.0.113.1')).toBe(429);
    expect(await attempt(b!.url, '203.0.113.1')).toBe(429);
    // A guess spread over addresses and instances reaches the per-username limit (10 × 2) on both.
    for (let i = 2; i <= 10; i++) {
      expect(await attempt(a!.url, `203.0.113.${i}`)).toBe(401);
      expect(await attempt(b!.url, `203.0.113.${i}`)).toBe(401);
    }
    expect(await attempt(a!.url, '198.51.100.1', ADMIN_PASSWORD)).toBe(429);
    const lift = await fetch(`${b!.url}/api/v1/users/admin/unlock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(lift.status).toBe(200);
    expect(await attempt(a!.url, '198.51.100.1', ADMIN_PASSWORD)).toBe(200);
  });
});
