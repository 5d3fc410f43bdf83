/**
 * Issue #18 (navigation for operators): kiosk (wall display) sessions. An admin issues a long-lived token for a
 * screen; it reads what its admin reads (administration aside), writes nothing, survives its admin's "log out
 * everywhere", and a revocation ends it at once, socket included.
 */
import type { AuditEntry, CreatedKioskSession, KioskSessionInfo, LoginResponse } from '@dcfleet/contracts';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { RecordingClient, refusal } from './support/live-client';

const SITE = 'KIO-01';
const DAY = 86_400_000;

describe.each(dialects())('kiosk sessions on %s', (dialect) => {
  let t: TestApp;
  let admin: string;
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    admin = await t.login('admin');
    await t.createSite(SITE);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(() => t.close());

  async function createKiosk(token: string, body: unknown): Promise<CreatedKioskSession> {
    const res = await t.request('/api/v1/auth/kiosk-sessions', { method: 'POST', token, json: body });
    expect(res.status).toBe(201);
    return (await res.json()) as CreatedKioskSession;
  }
  const status = async (path: string, token: string, init: { method?: string; json?: unknown } = {}) =>
    (await t.request(path, { ...init, token })).status;
  const reason = async (path: string, token: string, init: { method?: string; json?: unknown } = {}) => {
    const res = await t.request(path, { ...init, token });
    return { status: res.status, message: ((await res.json()) as { message: string }).message };
  };

  it('issues a read-only token: reads the fleet and its socket, refuses every write and administration with a reason', async () => {
    const before = Date.now();
    const k = await createKiosk(admin, { name: 'NOC wall 1' });
    expect(k).toMatchObject({ name: 'NOC wall 1', createdBy: 'admin', revokedAt: null, lastSeenAt: null });
    // Default lifetime 90 days.
    expect(Math.abs(Date.parse(k.expiresAt) - (before + 90 * DAY))).toBeLessThan(60_000);

    const me = (await (await t.request('/api/v1/auth/session', { token: k.token })).json()) as LoginResponse;
    expect(me.kiosk).toEqual({ id: k.id, name: 'NOC wall 1' });
    expect(me.user).toMatchObject({ username: 'admin', role: 'admin', organization: null });
    expect(Date.parse(me.expiresAt)).toBe(Math.floor(Date.parse(k.expiresAt) / 1000) * 1000);

    expect(await status('/api/v1/datacenters', k.token)).toBe(200);
    expect(await status(`/api/v1/datacenters/${SITE}/series?metric=it_power_kw`, k.token)).toBe(200);
    expect(await status('/api/v1/alarms', k.token)).toBe(200);

    const readOnly = /kiosk.*read-only/;
    expect(await reason('/api/v1/alarms/1/ack', k.token, { method: 'POST', json: {} })).toEqual({
      status: 403,
      message: expect.stringMatching(readOnly),
    });
    expect(
      await reason(`/api/v1/datacenters/${SITE}`, k.token, { method: 'PATCH', json: { racks: 1 } }),
    ).toEqual({ status: 403, message: expect.stringMatching(readOnly) });
    expect(await reason('/api/v1/auth/logout-all', k.token, { method: 'POST' })).toEqual({
      status: 403,
      message: expect.stringMatching(readOnly),
    });
    // A kiosk cannot mint more kiosks nor read administration (users, audit, tokens) though its admin can.
    expect(
      await status('/api/v1/auth/kiosk-sessions', k.token, { method: 'POST', json: { name: 'x' } }),
    ).toBe(403);
    for (const path of ['/api/v1/users', '/api/v1/audit', '/api/v1/tokens', '/api/v1/auth/kiosk-sessions'])
      expect(await reason(path, k.token)).toEqual({
        status: 403,
        message: expect.stringMatching(/kiosk.*administration/),
      });
    expect((await t.request('/metrics', { token: k.token })).status).toBe(401);

    const c = await new RecordingClient(t.url, k.token).connect();
    clients.push(c);
    expect(c.socket.connected).toBe(true);
  });

  it('validates the request (400 with a reason) and only admins create, list and revoke', async () => {
    for (const [body, field] of [
      [{}, /name/],
      [{ name: '  ' }, /name/],
      [{ name: 'x'.repeat(65) }, /name/],
      [{ name: 'w', ttlDays: 0 }, /ttlDays/],
      [{ name: 'w', ttlDays: 366 }, /ttlDays/],
      [{ name: 'w', ttlDays: 1.5 }, /ttlDays/],
      [{ name: 'w', colour: 'red' }, /colour/],
    ] as const) {
      const r = await reason('/api/v1/auth/kiosk-sessions', admin, { method: 'POST', json: body });
      expect(r.status).toBe(400);
      expect(r.message).toMatch(field);
    }
    const k = await createKiosk(admin, { name: 'short', ttlDays: 7 });
    expect(Math.abs(Date.parse(k.expiresAt) - (Date.parse(k.createdAt) + 7 * DAY))).toBeLessThan(1000);
    const operator = await t.login('operator');
    expect(
      await status('/api/v1/auth/kiosk-sessions', operator, { method: 'POST', json: { name: 'x' } }),
    ).toBe(403);
    expect(await status('/api/v1/auth/kiosk-sessions', operator)).toBe(403);
    expect(await status(`/api/v1/auth/kiosk-sessions/${k.id}`, operator, { method: 'DELETE' })).toBe(403);
    expect(await status('/api/v1/auth/kiosk-sessions/abc', admin, { method: 'DELETE' })).toBe(400);
    expect(await status('/api/v1/auth/kiosk-sessions/999999', admin, { method: 'DELETE' })).toBe(404);
    const list = (await (
      await t.request('/api/v1/auth/kiosk-sessions', { token: admin })
    ).json()) as KioskSessionInfo[];
    expect(list.find((s) => s.id === k.id)).toMatchObject({ name: 'short', revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(k.token);
  });

  it('revoking ends the display at once (HTTP 401, socket disconnected and refused), audited; its admin’s log-out-everywhere does not', async () => {
    // Made by a second hub admin, who then logs out everywhere: the wall keeps showing.
    const creator = await t.loginNew('kio-admin-2', 'admin');
    const k = await createKiosk(creator, { name: 'lobby' });
    expect(await status('/api/v1/auth/logout-all', creator, { method: 'POST' })).toBe(204);
    expect(await status('/api/v1/datacenters', creator)).toBe(401);
    expect(await status('/api/v1/datacenters', k.token)).toBe(200);
    // (Its socket was dropped with its creator's, as the display acts as them; it reconnects.)
    const c = await new RecordingClient(t.url, k.token).connect();
    clients.push(c);

    const gone = new Promise<string>((resolve) => c.socket.once('disconnect', resolve));
    const res = await t.request(`/api/v1/auth/kiosk-sessions/${k.id}`, { method: 'DELETE', token: admin });
    expect(res.status).toBe(200);
    const revoked = (await res.json()) as KioskSessionInfo;
    expect(revoked.revokedAt).not.toBeNull();
    await expect(gone).resolves.toBe('io server disconnect');
    expect(await status('/api/v1/datacenters', k.token)).toBe(401);
    expect(await refusal(t.url, k.token)).toBe('unauthorized');
    // Revoking twice keeps the first moment.
    const again = (await (
      await t.request(`/api/v1/auth/kiosk-sessions/${k.id}`, { method: 'DELETE', token: admin })
    ).json()) as KioskSessionInfo;
    expect(again.revokedAt).toBe(revoked.revokedAt);

    const audit = (await (
      await t.request('/api/v1/audit?limit=50', { token: admin })
    ).json()) as AuditEntry[];
    const mine = audit.filter((a) => a.target === 'lobby').map((a) => [a.action, a.actor]);
    expect(mine).toEqual(
      expect.arrayContaining([
        ['kiosk.create', 'kio-admin-2'],
        ['kiosk.revoke', 'admin'],
      ]),
    );
  });

  it('ends when its admin is disabled; an organisation’s admin sees and revokes only its own kiosks', async () => {
    expect(
      await status('/api/v1/organizations', admin, {
        method: 'POST',
        json: { code: 'KIO-ORG', name: 'Kiosk org' },
      }),
    ).toBe(201);
    const orgAdmin = await t.loginNew('kio-org-admin', 'admin', { organization: 'KIO-ORG' });
    const mine = await createKiosk(orgAdmin, { name: 'org wall' });
    const hubs = await createKiosk(admin, { name: 'hub wall' });
    const seen = (await (
      await t.request('/api/v1/auth/kiosk-sessions', { token: orgAdmin })
    ).json()) as KioskSessionInfo[];
    expect(seen.map((s) => s.name)).toEqual(['org wall']);
    expect(await status(`/api/v1/auth/kiosk-sessions/${hubs.id}`, orgAdmin, { method: 'DELETE' })).toBe(404);
    const all = (await (
      await t.request('/api/v1/auth/kiosk-sessions', { token: admin })
    ).json()) as KioskSessionInfo[];
    expect(all.map((s) => s.name)).toEqual(expect.arrayContaining(['org wall', 'hub wall']));

    expect(await status('/api/v1/datacenters', mine.token)).toBe(200);
    expect(
      await status('/api/v1/users/kio-org-admin', admin, { method: 'PATCH', json: { disabled: true } }),
    ).toBe(200);
    expect(await status('/api/v1/datacenters', mine.token)).toBe(401);
  });
});
