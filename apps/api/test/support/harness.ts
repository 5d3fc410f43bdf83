import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import type { CreatedIngestToken, LoginResponse, Role } from '@dcfleet/contracts';
import { AppConfig } from '../../src/platform/config/app-config';
import { createApp } from '../../src/create-app';
import { DemoService } from '../../src/demo/demo.service';
import { RollupService } from '../../src/telemetry/rollup.service';

export type Dialect = 'sqlite' | 'postgres';

export const ADMIN_PASSWORD = 'test-admin-password-1';

/** Dialects to run integration suites on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function dialects(): Dialect[] {
  const pg = process.env.TEST_DATABASE_URL;
  if (!pg && process.env.REQUIRE_POSTGRES === '1') {
    throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set');
  }
  return pg ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A fresh, empty database per suite: a temp SQLite file, or a new PostgreSQL database. */
export async function freshDatabase(
  dialect: Dialect,
): Promise<{ url: string; dataDir: string; drop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dcfleet-test-'));
  if (dialect === 'sqlite') {
    return {
      url: `sqlite:${join(dataDir, 'test.sqlite')}`,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const name = `dcfleet_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      const c = new Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp {
  app: INestApplication;
  url: string;
  dialect: Dialect;
  databaseUrl: string;
  close: () => Promise<void>;
  login: (role: Role) => Promise<string>;
  /**
   * Creates a user (as the hub admin) placed in `organization` (a code) or with `regions`, and logs it in. The
   * password is fixed; the username must be new.
   */
  loginNew: (
    username: string,
    role: Role,
    place?: { organization?: string; regions?: string[] },
  ) => Promise<string>;
  createSite: (code: string, extra?: Record<string, unknown>) => Promise<void>;
  createToken: (code: string) => Promise<CreatedIngestToken>;
  flush: () => Promise<void>;
  /** Posts JSON samples in batches of `per`; throws unless every batch is accepted whole. */
  ingestAll: (token: string, samples: readonly unknown[], per?: number) => Promise<void>;
  request: (path: string, init?: RequestInit & { token?: string; json?: unknown }) => Promise<Response>;
}

const PASSWORDS: Record<Role, string> = {
  admin: ADMIN_PASSWORD,
  operator: 'test-operator-password-1',
  regulator: 'test-regulator-password-1',
};

export async function bootTestApp(dialect: Dialect, env: Record<string, string> = {}): Promise<TestApp> {
  return bootTestAppOn(dialect, await freshDatabase(dialect), env);
}

/**
 * The app on a database that already exists (e.g. one an earlier schema wrote: migrations run at boot). `close`
 * drops it; stop with `app.close()` alone to boot again on the same database.
 */
export async function bootTestAppOn(
  dialect: Dialect,
  db: Awaited<ReturnType<typeof freshDatabase>>,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const config = AppConfig.fromEnv({
    DATA_DIR: db.dataDir,
    DATABASE_URL: db.url,
    DEMO: '0',
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD,
    ROLLUP_FLUSH_MS: '600000',
    LOG_LEVEL: 'error',
    ...env,
  });
  const app = await createApp(config, { logger: false });
  await app.get(DemoService).bootstrapUsers();
  await app.listen(0, '127.0.0.1');
  const addr = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${addr.port}`;
  const tokens = new Map<Role, string>();

  const request: TestApp['request'] = (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(url + path, { ...init, headers, body });
  };

  const login = async (role: Role): Promise<string> => {
    const cached = tokens.get(role);
    if (cached) return cached;
    if (role !== 'admin') {
      const admin = await login('admin');
      const res = await request('/api/v1/users', {
        method: 'POST',
        token: admin,
        json: { username: role, password: PASSWORDS[role], role },
      });
      if (res.status !== 201 && res.status !== 409)
        throw new Error(`create ${role}: ${res.status} ${await res.text()}`);
    }
    const res = await request('/api/v1/auth/login', {
      method: 'POST',
      json: { username: role, password: PASSWORDS[role] },
    });
    if (res.status !== 200) throw new Error(`login ${role}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as LoginResponse;
    tokens.set(role, body.accessToken);
    return body.accessToken;
  };

  const loginNew: TestApp['loginNew'] = async (username, role, place = {}) => {
    const password = 'test-scoped-password-1';
    const made = await request('/api/v1/users', {
      method: 'POST',
      token: await login('admin'),
      json: { username, password, role, ...place },
    });
    if (made.status !== 201) throw new Error(`create ${username}: ${made.status} ${await made.text()}`);
    const res = await request('/api/v1/auth/login', { method: 'POST', json: { username, password } });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as LoginResponse).accessToken;
  };

  return {
    app,
    url,
    dialect,
    databaseUrl: db.url,
    loginNew,
    close: async () => {
      await app.close();
      await db.drop();
    },
    login,
    createSite: async (code, extra = {}) => {
      const res = await request('/api/v1/datacenters', {
        method: 'POST',
        token: await login('admin'),
        json: { code, name: `Site ${code}`, ...extra },
      });
      if (res.status !== 201) throw new Error(`create site: ${res.status} ${await res.text()}`);
    },
    createToken: async (code) => {
      const res = await request(`/api/v1/datacenters/${code}/tokens`, {
        method: 'POST',
        token: await login('admin'),
        json: { name: 'test' },
      });
      if (res.status !== 201) throw new Error(`create token: ${res.status} ${await res.text()}`);
      return (await res.json()) as CreatedIngestToken;
    },
    flush: () => app.get(RollupService).flush(),
    ingestAll: async (token, samples, per = 5000) => {
      for (let i = 0; i < samples.length; i += per) {
        const res = await request('/api/v1/ingest', {
          method: 'POST',
          token,
          json: { samples: samples.slice(i, i + per) },
        });
        const body = await res.text();
        if (res.status !== 200 || !body.includes('"rejected":[]'))
          throw new Error(`ingest batch ${i / per}: HTTP ${res.status} ${body.slice(0, 300)}`);
      }
    },
    request,
  };
}
