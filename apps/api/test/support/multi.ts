import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { CreatedIngestToken, LoginResponse, Role } from '@dcfleet/contracts';
import { AppConfig } from '../../src/platform/config/app-config';
import { createApp } from '../../src/create-app';
import { DemoService } from '../../src/demo/demo.service';
import { ADMIN_PASSWORD, freshDatabase, type Dialect } from './harness';

/** One API instance of a cluster. */
export interface Instance {
  app: INestApplication;
  url: string;
}

/** Several API instances sharing one database (and, with REDIS_URL in env, one Redis), like a scaled-out deployment. */
export interface Cluster {
  instances: Instance[];
  databaseUrl: string;
  close: () => Promise<void>;
  /** Session JWT for a role (users are created through instance 0; any instance accepts the token). */
  login: (role: Role) => Promise<string>;
  createSiteWithToken: (code: string) => Promise<string>;
  /** Posts a JSON ingest body to instance `i`. */
  ingest: (i: number, token: string, body: unknown) => Promise<Response>;
}

const PASSWORDS: Record<Role, string> = {
  admin: ADMIN_PASSWORD,
  operator: 'test-operator-password-1',
  regulator: 'test-regulator-password-1',
};

/**
 * Boots `n` apps with createApp on ONE fresh database (PostgreSQL unless dialect says otherwise), one after the
 * other so migrations run once. They share DATA_DIR and JWT_SECRET, as instances behind a load balancer would.
 */
export async function bootCluster(
  n: number,
  env: Record<string, string> = {},
  dialect: Dialect = 'postgres',
): Promise<Cluster> {
  const db = await freshDatabase(dialect);
  const jwtSecret = randomBytes(48).toString('base64url');
  const instances: Instance[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const config = AppConfig.fromEnv({
        DATA_DIR: db.dataDir,
        DATABASE_URL: db.url,
        DEMO: '0',
        ADMIN_USERNAME: 'admin',
        ADMIN_PASSWORD,
        JWT_SECRET: jwtSecret,
        ROLLUP_FLUSH_MS: '600000',
        LOG_LEVEL: 'error',
        ...env,
      });
      const app = await createApp(config, { logger: false });
      await app.get(DemoService).bootstrapUsers();
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as { port: number };
      instances.push({ app, url: `http://127.0.0.1:${port}` });
    }
  } catch (err) {
    for (const inst of instances) await inst.app.close();
    await db.drop();
    throw err;
  }

  const request = (i: number, path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(instances[i]!.url + path, { ...init, headers, body });
  };

  const tokens = new Map<Role, string>();
  const login = async (role: Role): Promise<string> => {
    const cached = tokens.get(role);
    if (cached) return cached;
    if (role !== 'admin') {
      const res = await request(0, '/api/v1/users', {
        method: 'POST',
        token: await login('admin'),
        json: { username: role, password: PASSWORDS[role], role },
      });
      if (res.status !== 201 && res.status !== 409)
        throw new Error(`create ${role}: ${res.status} ${await res.text()}`);
    }
    const res = await request(0, '/api/v1/auth/login', {
      method: 'POST',
      json: { username: role, password: PASSWORDS[role] },
    });
    if (res.status !== 200) throw new Error(`login ${role}: ${res.status} ${await res.text()}`);
    const token = ((await res.json()) as LoginResponse).accessToken;
    tokens.set(role, token);
    return token;
  };

  return {
    instances,
    databaseUrl: db.url,
    login,
    close: async () => {
      for (const inst of instances) await inst.app.close();
      await db.drop();
    },
    createSiteWithToken: async (code) => {
      const admin = await login('admin');
      const r1 = await request(0, '/api/v1/datacenters', {
        method: 'POST',
        token: admin,
        json: { code, name: `Site ${code}` },
      });
      if (r1.status !== 201) throw new Error(`create site: ${r1.status} ${await r1.text()}`);
      const r2 = await request(0, `/api/v1/datacenters/${code}/tokens`, {
        method: 'POST',
        token: admin,
        json: { name: 'test' },
      });
      if (r2.status !== 201) throw new Error(`create token: ${r2.status} ${await r2.text()}`);
      return ((await r2.json()) as CreatedIngestToken).token;
    },
    ingest: (i, token, body) =>
      request(i, '/api/v1/ingest', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      }),
  };
}
