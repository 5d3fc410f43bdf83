/**
 * Organisations' people and property (docs/architecture.md, "Organisations and scope"), on each database: users placed
 * in organisations or given regions through the users API, sites given an owner at creation or moved by a hub admin
 * (audited, effective at once), and what an organisation's admin may and may not do — its own users, tokens, sites'
 * settings, site rules and audit entries, nothing of another organisation's and nothing the hub decides.
 */
import type { AlarmRuleInfo, AuditEntry, IngestTokenInfo, LoginResponse, UserInfo } from '@dcfleet/contracts';
import { bootTestApp, dialects, type TestApp } from './support/harness';

describe.each(dialects())('organisation admins and placement on %s', (dialect) => {
  let t: TestApp;
  let hub: string;
  let northAdmin: string;

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    hub = await t.login('admin');
    for (const [code, name] of [
      ['NORTH', 'North Cloud Co.'],
      ['SOUTH', 'South Data Ltd.'],
    ])
      expect(
        (await t.request('/api/v1/organizations', { method: 'POST', token: hub, json: { code, name } }))
          .status,
      ).toBe(201);
    await t.createSite('N-1', { organization: 'NORTH', region: 'Zunyi' });
    await t.createSite('N-2', { organization: 'NORTH', region: 'Guiyang' });
    await t.createSite('S-1', { organization: 'SOUTH', region: 'Zunyi' });
    northAdmin = await t.loginNew('north-admin', 'admin', { organization: 'NORTH' });
  });
  afterAll(() => t?.close());

  const users = async (token: string) =>
    (await (await t.request('/api/v1/users', { token })).json()) as UserInfo[];
  const post = (path: string, token: string, json: unknown) =>
    t.request(path, { method: 'POST', token, json });
  const patch = (path: string, token: string, json: unknown) =>
    t.request(path, { method: 'PATCH', token, json });

  describe('placement through the users API', () => {
    it('creates users in an organisation or with regions, and says so at login', async () => {
      const made = await post('/api/v1/users', hub, {
        username: 'zunyi-reg',
        password: 'a-long-password-1',
        role: 'regulator',
        regions: ['Zunyi'],
      });
      expect(made.status).toBe(201);
      expect(await made.json()).toMatchObject({ organization: null, regions: ['Zunyi'] });
      const login = await post('/api/v1/auth/login', '', {
        username: 'north-admin',
        password: 'test-scoped-password-1',
      });
      expect(((await login.json()) as LoginResponse).user).toEqual({
        username: 'north-admin',
        role: 'admin',
        organization: { code: 'NORTH', name: 'North Cloud Co.' },
        regions: null,
      });
      const reg = await post('/api/v1/auth/login', '', {
        username: 'zunyi-reg',
        password: 'a-long-password-1',
      });
      expect(((await reg.json()) as LoginResponse).user).toMatchObject({
        organization: null,
        regions: ['Zunyi'],
      });
    });

    it.each([
      ['an unknown organisation', { organization: 'NOWHERE' }, 400, /NOWHERE/],
      ['regions for an operator', { role: 'operator', regions: ['Zunyi'] }, 400, /regulator/],
      ['regions for an organisation member', { organization: 'NORTH', regions: ['Zunyi'] }, 400, /regulator/],
      ['an empty region list', { regions: [] }, 400, /regions/],
      ['a lower-case organisation code', { organization: 'north' }, 400, /organization/],
    ])('refuses %s, storing nothing', async (_what, extra, status, reason) => {
      const before = (await users(hub)).length;
      const res = await post('/api/v1/users', hub, {
        username: 'refused-one',
        password: 'a-long-password-1',
        role: 'regulator',
        ...extra,
      });
      expect(res.status).toBe(status);
      expect(JSON.stringify(await res.json())).toMatch(reason);
      expect((await users(hub)).length).toBe(before);
    });

    it('moving a user to another organisation ends its sessions, so the old scope cannot linger', async () => {
      const token = await t.loginNew('mover', 'operator', { organization: 'NORTH' });
      expect((await t.request('/api/v1/datacenters/N-1', { token })).status).toBe(200);
      const moved = await patch('/api/v1/users/mover', hub, { organization: 'SOUTH' });
      expect(moved.status).toBe(200);
      expect(await moved.json()).toMatchObject({ organization: 'SOUTH' });
      expect((await t.request('/api/v1/datacenters/N-1', { token })).status).toBe(401);
      const audit = (await (await t.request('/api/v1/audit?limit=5', { token: hub })).json()) as AuditEntry[];
      expect(audit.find((a) => a.action === 'user.update' && a.target === 'mover')?.details).toMatchObject({
        organization: 'SOUTH',
      });
    });
  });

  describe('sites and their owners', () => {
    it("a hub admin's move is audited and takes the site from the old owner's users at once", async () => {
      const operator = await t.loginNew('south-op', 'operator', { organization: 'SOUTH' });
      expect((await t.request('/api/v1/datacenters/S-1', { token: operator })).status).toBe(200);
      const moved = await post('/api/v1/organizations/NORTH/sites', hub, { site: 'S-1' });
      expect(moved.status).toBe(200);
      expect(await moved.json()).toMatchObject({ code: 'NORTH', sites: ['N-1', 'N-2', 'S-1'] });
      const gone = await t.request('/api/v1/datacenters/S-1', { token: operator });
      expect(gone.status).toBe(404);
      expect(await gone.json()).toMatchObject({ message: 'data center S-1 not found' });
      const audit = (await (await t.request('/api/v1/audit?limit=3', { token: hub })).json()) as AuditEntry[];
      expect(audit[0]).toMatchObject({
        action: 'organization.site_move',
        target: 'S-1',
        details: { from: 'SOUTH', to: 'NORTH' },
      });
      expect((await post('/api/v1/organizations/SOUTH/sites', hub, { site: 'S-1' })).status).toBe(200);
    });

    it.each([
      ['/api/v1/organizations/NOWHERE/sites', { site: 'S-1' }, 404],
      ['/api/v1/organizations/NORTH/sites', { site: 'NO-SUCH' }, 404],
      ['/api/v1/organizations/NORTH/sites', { site: 's-1' }, 400],
      ['/api/v1/organizations/NORTH/sites', { site: 'S-1', extra: 1 }, 400],
    ])('refuses a move %s %j (%i), moving nothing', async (path, json, status) => {
      expect((await post(path, hub, json)).status).toBe(status);
      const orgs = (await (await t.request('/api/v1/organizations', { token: hub })).json()) as {
        code: string;
        sites: string[];
      }[];
      expect(orgs.find((o) => o.code === 'SOUTH')?.sites).toEqual(['S-1']);
    });

    it.each([
      ['organisation', '/api/v1/organizations', { code: 'RACE', name: 'Race Co.' }],
      ['site', '/api/v1/datacenters', { code: 'RACE-1', name: 'Race site' }],
      ['user', '/api/v1/users', { username: 'racer', password: 'a-long-password-1', role: 'operator' }],
    ])('answers 409, not 500, to the losers of a concurrent create of one %s', async (_what, path, json) => {
      const answers = await Promise.all(Array.from({ length: 6 }, () => post(path, hub, json)));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    });

    it('refuses to delete an organisation that still has users', async () => {
      const res = await t.request('/api/v1/organizations/NORTH', { method: 'DELETE', token: hub });
      expect(res.status).toBe(409);
      expect(JSON.stringify(await res.json())).toMatch(/2 site\(s\) and \d+ user\(s\)/);
    });
  });

  describe("an organisation's admin", () => {
    it('lists and creates only its own members; cannot make hub staff or place anyone elsewhere', async () => {
      expect((await users(northAdmin)).every((u) => u.organization === 'NORTH')).toBe(true);
      const own = await post('/api/v1/users', northAdmin, {
        username: 'north-op',
        password: 'a-long-password-1',
        role: 'operator',
      });
      expect(own.status).toBe(201);
      expect(await own.json()).toMatchObject({ organization: 'NORTH' });
      for (const place of [{ organization: 'SOUTH' }, { organization: null }, { regions: ['Zunyi'] }]) {
        const res = await post('/api/v1/users', northAdmin, {
          username: 'north-x',
          password: 'a-long-password-1',
          role: 'operator',
          ...place,
        });
        expect(res.status).toBe(403);
      }
      expect((await users(hub)).some((u) => u.username === 'north-x')).toBe(false);
      expect((await patch('/api/v1/users/north-op', northAdmin, { organization: 'SOUTH' })).status).toBe(403);
    });

    it("answers 404 for another organisation's users and for hub staff, as if they did not exist", async () => {
      for (const name of ['south-op', 'admin', 'operator-nobody']) {
        expect((await patch(`/api/v1/users/${name}`, northAdmin, { disabled: true })).status).toBe(404);
        expect((await post(`/api/v1/users/${name}/logout`, northAdmin, {})).status).toBe(404);
        expect((await post(`/api/v1/users/${name}/unlock`, northAdmin, {})).status).toBe(404);
      }
      expect((await post('/api/v1/users/north-op/unlock', northAdmin, {})).status).toBe(200);
      expect((await users(hub)).find((u) => u.username === 'south-op')?.disabled).toBe(false);
    });

    it("edits its sites' settings and tokens, not another organisation's, and registers no site", async () => {
      expect((await patch('/api/v1/datacenters/N-1', northAdmin, { name: 'North One' })).status).toBe(200);
      expect((await patch('/api/v1/datacenters/S-1', northAdmin, { name: 'Taken' })).status).toBe(404);
      expect((await post('/api/v1/datacenters', northAdmin, { code: 'N-3', name: 'New' })).status).toBe(403);
      expect((await post('/api/v1/datacenters/N-1/tokens', northAdmin, { name: 'gw' })).status).toBe(201);
      expect((await post('/api/v1/datacenters/S-1/tokens', northAdmin, { name: 'gw' })).status).toBe(404);
      const southToken = await t.createToken('S-1');
      const mine = (await (
        await t.request('/api/v1/tokens', { token: northAdmin })
      ).json()) as IngestTokenInfo[];
      expect(new Set(mine.map((x) => x.datacenter))).toEqual(new Set(['N-1']));
      const revoke = await t.request(`/api/v1/tokens/${southToken.id}`, {
        method: 'DELETE',
        token: northAdmin,
      });
      expect(revoke.status).toBe(404);
      expect((await t.request('/api/v1/datacenters/S-1', { token: hub })).status).toBe(200);
      const all = (await (await t.request('/api/v1/tokens', { token: hub })).json()) as IngestTokenInfo[];
      expect(all.find((x) => x.id === southToken.id)?.revokedAt).toBeNull();
    });

    it('cannot touch what the hub decides: organisations, owners, emission factors', async () => {
      expect((await t.request('/api/v1/organizations', { token: northAdmin })).status).toBe(403);
      expect((await post('/api/v1/organizations/NORTH/sites', northAdmin, { site: 'S-1' })).status).toBe(403);
      const factor = await t.request('/api/v1/emission-factors/CN-South/2024', {
        method: 'PUT',
        token: northAdmin,
        json: { factor: 0.5, source: 'x' },
      });
      expect(factor.status).toBe(403);
    });

    it("sets rules for its own sites only; fleet-wide rules and other organisations' rules are not its", async () => {
      const rule = { kind: 'inlet_temp', severity: 'warning', params: { high: 28 } };
      const own = await post('/api/v1/alarm-rules', northAdmin, { ...rule, datacenter: 'N-1' });
      expect(own.status).toBe(201);
      const fleet = await post('/api/v1/alarm-rules', northAdmin, rule);
      expect(fleet.status).toBe(403);
      expect((await post('/api/v1/alarm-rules', northAdmin, { ...rule, datacenter: 'S-1' })).status).toBe(
        404,
      );
      const south = await post('/api/v1/alarm-rules', hub, { ...rule, datacenter: 'S-1' });
      const southId = ((await south.json()) as AlarmRuleInfo).id;
      expect((await t.request(`/api/v1/alarm-rules/${southId}`, { token: northAdmin })).status).toBe(404);
      expect((await patch(`/api/v1/alarm-rules/${southId}`, northAdmin, { enabled: false })).status).toBe(
        404,
      );
      const seen = (await (
        await t.request('/api/v1/alarm-rules', { token: northAdmin })
      ).json()) as AlarmRuleInfo[];
      expect(seen.some((r) => r.datacenter === 'S-1')).toBe(false);
      expect(seen.some((r) => r.datacenter === 'N-1')).toBe(true);
      const builtin = seen.find((r) => r.datacenter === null)!;
      expect((await patch(`/api/v1/alarm-rules/${builtin.id}`, northAdmin, { enabled: false })).status).toBe(
        403,
      );
    });

    it("reads its members' audit entries only", async () => {
      const entries = (await (
        await t.request('/api/v1/audit?limit=1000', { token: northAdmin })
      ).json()) as AuditEntry[];
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.every((e) => ['north-admin', 'north-op', 'mover'].includes(e.actor))).toBe(true);
      expect(entries.some((e) => e.action === 'user.create' && e.target === 'north-op')).toBe(true);
      const hubs = (await (
        await t.request('/api/v1/audit?limit=1000', { token: hub })
      ).json()) as AuditEntry[];
      expect(hubs.some((e) => e.actor === 'admin')).toBe(true);
    });
  });
});
