/**
 * Organisations (docs/architecture.md, "Organisations and scope"): the default organisation an upgrade puts every
 * site in, the admin's list, create and delete with their refusals, on each database; and the upgrade itself from the
 * schema before organisations, with a site and a user already there.
 */
import type { OrganizationInfo } from '@dcfleet/contracts';
import { DataSource } from 'typeorm';
import { AlarmEngine } from '../src/alarms/alarm-engine';
import type { DatabaseConfig } from '../src/platform/config/app-config';
import { dataSourceOptions } from '../src/platform/database/data-source';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../src/platform/database/migrations';
import { bootTestApp, dialects, freshDatabase, type TestApp } from './support/harness';

describe.each(dialects())('organisations on %s', (dialect) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    admin = await t.login('admin');
    await t.createSite('ORG-A1');
    await t.createSite('ORG-A2');
  });
  afterAll(() => t?.close());

  const list = async (): Promise<OrganizationInfo[]> => {
    const res = await t.request('/api/v1/organizations', { token: admin });
    expect(res.status).toBe(200);
    return (await res.json()) as OrganizationInfo[];
  };
  const codes = async () => (await list()).map((o) => o.code);

  it('puts every site created without an owner in the default organisation', async () => {
    const [only] = await list();
    expect(only).toMatchObject({
      code: 'DEFAULT',
      name: 'Default organisation',
      sites: ['ORG-A1', 'ORG-A2'],
      users: 0,
    });
  });

  it('creates an organisation (audited) and refuses a second with the same code', async () => {
    const made = await t.request('/api/v1/organizations', {
      method: 'POST',
      token: admin,
      json: { code: 'YELANG', name: 'Yelang Cloud Works Co., Ltd.' },
    });
    expect(made.status).toBe(201);
    expect(await made.json()).toMatchObject({ code: 'YELANG', sites: [], users: 0 });
    const again = await t.request('/api/v1/organizations', {
      method: 'POST',
      token: admin,
      json: { code: 'YELANG', name: 'Someone else' },
    });
    expect(again.status).toBe(409);
    expect(await codes()).toEqual(['DEFAULT', 'YELANG']);
    const audit = (await (await t.request('/api/v1/audit?limit=5', { token: admin })).json()) as {
      action: string;
    }[];
    expect(audit.map((a) => a.action)).toContain('organization.create');
  });

  it.each([
    ['a lower-case code', { code: 'yelang-2', name: 'x' }, /code/],
    ['no name', { code: 'NONAME' }, /name/],
    ['an unknown field', { code: 'EXTRA', name: 'x', owner: 'me' }, /owner|unrecognized/i],
  ])('refuses %s with 400 and a reason, storing nothing', async (_what, json, reason) => {
    const before = await codes();
    const res = await t.request('/api/v1/organizations', { method: 'POST', token: admin, json });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(reason);
    expect(await codes()).toEqual(before);
  });

  it('deletes an empty organisation; refuses the default one, one that owns a site, and an unknown code', async () => {
    const del = (code: string) =>
      t.request(`/api/v1/organizations/${code}`, { method: 'DELETE', token: admin });
    expect((await del('DEFAULT')).status).toBe(409);
    expect((await del('NOSUCH')).status).toBe(404);

    await t.request('/api/v1/organizations', {
      method: 'POST',
      token: admin,
      json: { code: 'OWNER', name: 'Owner' },
    });
    // Moving a site between organisations has no route yet: the owner is set directly.
    const ds = t.app.get(DataSource);
    const [owner] = (await ds.query(
      dialect === 'sqlite'
        ? "SELECT id FROM organizations WHERE code = 'OWNER'"
        : "SELECT id FROM organizations WHERE code = 'OWNER'",
    )) as { id: number }[];
    await ds.query(
      dialect === 'sqlite'
        ? "UPDATE sites SET organization_id = ? WHERE code = 'ORG-A2'"
        : "UPDATE sites SET organization_id = $1 WHERE code = 'ORG-A2'",
      [owner!.id],
    );
    const busy = await del('OWNER');
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { message: string }).message).toMatch(/1 site/);
    expect((await list()).find((o) => o.code === 'OWNER')?.sites).toEqual(['ORG-A2']);

    expect((await del('YELANG')).status).toBe(204);
    expect(await codes()).toEqual(['DEFAULT', 'OWNER']);
  });

  it('is for admins only', async () => {
    for (const role of ['operator', 'regulator'] as const) {
      const token = await t.login(role);
      expect((await t.request('/api/v1/organizations', { token })).status).toBe(403);
      const post = await t.request('/api/v1/organizations', {
        method: 'POST',
        token,
        json: { code: 'X1', name: 'x' },
      });
      expect(post.status).toBe(403);
    }
    expect(await codes()).toEqual(['DEFAULT', 'OWNER']);
  });
});

describe.each(dialects())('upgrade to organisations on %s', (dialect) => {
  it('puts the existing sites in the default organisation and keeps existing users as hub staff', async () => {
    const db = await freshDatabase(dialect);
    const config: DatabaseConfig = db.url.startsWith('sqlite:')
      ? { type: 'sqlite', path: db.url.slice('sqlite:'.length) }
      : { type: 'postgres', url: db.url };
    const all = dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS;
    const at = all.findIndex((m) => m.name.startsWith('Organizations'));
    expect(at).toBeGreaterThan(0);
    const p = (i: number) => (dialect === 'sqlite' ? '?' : `$${i}`);
    const before = new DataSource({
      ...dataSourceOptions(config),
      entities: [],
      migrations: all.slice(0, at),
    });
    await before.initialize();
    try {
      await before.runMigrations({ transaction: 'each' });
      await before.query(
        `INSERT INTO sites (code, name, timezone, pue_category, created_at, updated_at) VALUES (${p(1)}, ${p(2)}, 'UTC', 1, 0, 0)`,
        ['OLD-01', 'Old site'],
      );
      await before.query(
        `INSERT INTO users (username, password_hash, role, disabled, created_at) VALUES (${p(1)}, 'x', 'operator', false, 0)`,
        ['old-operator'],
      );
    } finally {
      await before.destroy();
    }
    const after = new DataSource({ ...dataSourceOptions(config), entities: [], migrations: all });
    await after.initialize();
    try {
      expect((await after.runMigrations({ transaction: 'each' })).map((m) => m.name)).toEqual(
        all.slice(at).map((m) => m.name),
      );
      expect(await after.query('SELECT id, code FROM organizations')).toEqual([{ id: 1, code: 'DEFAULT' }]);
      expect(await after.query("SELECT organization_id FROM sites WHERE code = 'OLD-01'")).toEqual([
        { organization_id: 1 },
      ]);
      expect(
        await after.query("SELECT organization_id, regions FROM users WHERE username = 'old-operator'"),
      ).toEqual([{ organization_id: null, regions: null }]);
      // The next organisation gets the next id, not the default one's.
      await after.query(`INSERT INTO organizations (code, name, created_at) VALUES (${p(1)}, 'Second', 0)`, [
        'SECOND',
      ]);
      expect(await after.query("SELECT id FROM organizations WHERE code = 'SECOND'")).toEqual([{ id: 2 }]);
    } finally {
      await after.destroy();
      await db.drop();
    }
  });
});

describe.each(dialects())('scope of the site routes on %s', (dialect) => {
  let t: TestApp;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    const admin = await t.login('admin');
    tokens.set('hub-admin', admin);
    await t.createSite('SCP-RED-1', { region: 'Red' });
    await t.createSite('SCP-RED-2', { region: 'Red' });
    await t.createSite('SCP-BLUE-1', { region: 'Blue' });
    await t.request('/api/v1/organizations', {
      method: 'POST',
      token: admin,
      json: { code: 'REDCO', name: 'Red Co' },
    });
    const ds = t.app.get(DataSource);
    const q = (sql: string) => ds.query(dialect === 'sqlite' ? sql.replace(/\$\d/g, '?') : sql);
    const [red] = (await q("SELECT id FROM organizations WHERE code = 'REDCO'")) as { id: number }[];
    // Owners and memberships have no routes yet: set directly, before anyone logs in (users are cached 5 s).
    await ds.query(
      dialect === 'sqlite'
        ? "UPDATE sites SET organization_id = ? WHERE code IN ('SCP-RED-1', 'SCP-RED-2')"
        : "UPDATE sites SET organization_id = $1 WHERE code IN ('SCP-RED-1', 'SCP-RED-2')",
      [red!.id],
    );
    // A site created through the API makes every instance's site cache reload (10 s otherwise): the direct owner
    // change above is then what the routes see.
    await t.createSite('SCP-GREY-1');
    const users: [string, string, string][] = [
      ['red-operator', 'operator', `organization_id = ${red!.id}`],
      ['blue-regulator', 'regulator', `regions = '["Blue"]'`],
      ['hub-operator', 'operator', 'organization_id = NULL'],
    ];
    for (const [username, role, set] of users) {
      const password = `${username}-password-1`;
      const made = await t.request('/api/v1/users', {
        method: 'POST',
        token: admin,
        json: { username, password, role },
      });
      expect(made.status).toBe(201);
      await q(`UPDATE users SET ${set} WHERE username = '${username}'`);
      const login = await t.request('/api/v1/auth/login', { method: 'POST', json: { username, password } });
      tokens.set(username, ((await login.json()) as { accessToken: string }).accessToken);
    }
  });
  afterAll(() => t?.close());

  const codes = async (who: string) => {
    const res = await t.request('/api/v1/datacenters', { token: tokens.get(who)! });
    expect(res.status).toBe(200);
    return ((await res.json()) as { code: string }[]).map((d) => d.code).sort();
  };

  it('lists only the sites in the caller’s scope', async () => {
    const all = ['SCP-BLUE-1', 'SCP-GREY-1', 'SCP-RED-1', 'SCP-RED-2'];
    expect(await codes('hub-admin')).toEqual(all);
    expect(await codes('hub-operator')).toEqual(all);
    expect(await codes('red-operator')).toEqual(['SCP-RED-1', 'SCP-RED-2']);
    expect(await codes('blue-regulator')).toEqual(['SCP-BLUE-1']);
  });

  it.each([
    ['detail', (c: string) => `/api/v1/datacenters/${c}`],
    ['series', (c: string) => `/api/v1/datacenters/${c}/series?metric=it_power_kw`],
    ['reference history', (c: string) => `/api/v1/datacenters/${c}/reference`],
    ['meter exchanges', (c: string) => `/api/v1/datacenters/${c}/meter-exchanges`],
    ['receipts', (c: string) => `/api/v1/datacenters/${c}/receipts`],
    ['receipt chain check', (c: string) => `/api/v1/datacenters/${c}/receipts/verify`],
  ])(
    'answers a site outside the scope by its %s as 404, exactly like one that does not exist',
    async (_what, path) => {
      for (const [who, mine, theirs] of [
        ['red-operator', 'SCP-RED-1', 'SCP-BLUE-1'],
        ['blue-regulator', 'SCP-BLUE-1', 'SCP-RED-2'],
      ] as const) {
        const token = tokens.get(who)!;
        expect((await t.request(path(mine), { token })).status).toBe(200);
        const outside = await t.request(path(theirs), { token });
        const missing = await t.request(path('SCP-NONE-1'), { token });
        expect(outside.status).toBe(404);
        expect(((await outside.json()) as { message: string }).message).toBe(
          ((await missing.json()) as { message: string }).message.replace('SCP-NONE-1', theirs),
        );
      }
    },
  );
  it("shows and acknowledges only the alarms of the caller's sites; another's alarm is not found", async () => {
    const admin = tokens.get('hub-admin')!;
    const ts = Date.now() - 60_000;
    for (const code of ['SCP-RED-1', 'SCP-BLUE-1']) {
      const { token } = await t.createToken(code);
      const res = await t.request('/api/v1/ingest', {
        method: 'POST',
        token,
        json: { samples: [{ metric: 'inlet_temp_c', labels: { zone: 'Z1' }, ts, value: 40 }] },
      });
      expect(res.status).toBe(200);
    }
    await t.app.get(AlarmEngine).settle();
    type Alarm = { id: number; datacenter: string };
    const alarms = async (token: string): Promise<Alarm[]> => {
      const res = await t.request('/api/v1/alarms', { token });
      expect(res.status).toBe(200);
      return (await res.json()) as Alarm[];
    };
    // 40 °C raises the built-in warning and critical inlet alarms of each site.
    const all = await alarms(admin);
    expect(new Set(all.map((a) => a.datacenter))).toEqual(new Set(['SCP-BLUE-1', 'SCP-RED-1']));
    const blue = all.find((a) => a.datacenter === 'SCP-BLUE-1')!;
    const reds = all.filter((a) => a.datacenter === 'SCP-RED-1').map((a) => a.id);
    const red = { id: reds[0]! };

    const redOp = tokens.get('red-operator')!;
    expect((await alarms(redOp)).map((a) => a.id)).toEqual(reds);
    expect((await t.request(`/api/v1/alarms?datacenter=SCP-BLUE-1`, { token: redOp })).status).toBe(404);
    expect((await t.request(`/api/v1/alarms/${red.id}`, { token: redOp })).status).toBe(200);
    const other = await t.request(`/api/v1/alarms/${blue.id}`, { token: redOp });
    expect(other.status).toBe(404);
    expect(((await other.json()) as { message: string }).message).toBe(`alarm ${blue.id} not found`);
    const ack = await t.request(`/api/v1/alarms/${blue.id}/ack`, { method: 'POST', token: redOp, json: {} });
    expect(ack.status).toBe(404);
    // Nothing was acknowledged: the hub operator still can.
    const hubAck = await t.request(`/api/v1/alarms/${blue.id}/ack`, {
      method: 'POST',
      token: tokens.get('hub-operator')!,
      json: {},
    });
    expect(hubAck.status).toBe(200);
  });
});
