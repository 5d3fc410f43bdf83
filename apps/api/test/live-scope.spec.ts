/**
 * Live push per scope (docs/architecture.md, "Organisations and scope") with real socket.io clients, on SQLite alone
 * and on PostgreSQL with Redis (where the rooms' streams and the scope registry live in Redis): fleet:update carries
 * only the caller's sites, another organisation's dc room is refused like an unknown site, alarm and rating events
 * reach only the scopes of their site, a user moved to another organisation is disconnected, and a site moved away
 * drops its old owner's watchers.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { LivePublisher } from '../src/live/live.publisher';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { alarmOf as alarm, ok, RecordingClient, sleep } from './support/live-client';

describe.each(dialects())('live push per scope on %s', (dialect) => {
  let t: TestApp;
  const ingest = new Map<string, string>();
  const tokens = new Map<string, string>();
  const clients: RecordingClient[] = [];
  const prefix = `dcfleet-test-${randomBytes(4).toString('hex')}`;

  const client = async (who: string, opts: { reconnection?: boolean } = {}) => {
    const c = new RecordingClient(t.url, tokens.get(who)!, opts);
    clients.push(c);
    return c.connect();
  };
  const post = async (code: string) => {
    const ts = Date.now();
    const res = await t.request('/api/v1/ingest', {
      method: 'POST',
      token: ingest.get(code),
      json: { samples: [{ metric: 'it_power_kw', ts, value: 500 + (ts % 100) }] },
    });
    if (res.status !== 200) throw new Error(`ingest ${res.status}: ${await res.text()}`);
  };
  /** Sites named by every fleet:update a client received. */
  const fleetSites = (c: RecordingClient) => [
    ...new Set(c.received['fleet:update'].flatMap((u) => u.sites.map((s) => s.code))),
  ];

  beforeAll(async () => {
    t = await bootTestApp(dialect, {
      ALARMS_ENABLED: '0',
      ...(dialect === 'postgres' && process.env.TEST_REDIS_URL
        ? { REDIS_URL: process.env.TEST_REDIS_URL }
        : {}),
    });
    const hub = await t.login('admin');
    for (const [code, name] of [
      ['LNORTH', 'North Cloud Co.'],
      ['LSOUTH', 'South Data Ltd.'],
    ]) {
      const res = await t.request('/api/v1/organizations', {
        method: 'POST',
        token: hub,
        json: { code, name },
      });
      expect(res.status).toBe(201);
    }
    await t.createSite('LN-1', { organization: 'LNORTH', region: 'Zunyi' });
    await t.createSite('LN-2', { organization: 'LNORTH', region: 'Guiyang' });
    await t.createSite('LS-1', { organization: 'LSOUTH', region: 'Zunyi' });
    for (const code of ['LN-1', 'LN-2', 'LS-1']) ingest.set(code, (await t.createToken(code)).token);
    tokens.set('hub', await t.login('operator'));
    tokens.set('north', await t.loginNew('l-north-op', 'operator', { organization: 'LNORTH' }));
    tokens.set('south', await t.loginNew('l-south-op', 'operator', { organization: 'LSOUTH' }));
    tokens.set('zunyi', await t.loginNew('l-zunyi-reg', 'regulator', { regions: ['Zunyi'] }));
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await t?.close();
    if (dialect !== 'postgres' || !process.env.TEST_REDIS_URL) return;
    const redis = new Redis(process.env.TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('sends each scope a fleet:update with exactly its sites, and a snapshot of only them', async () => {
    const [hub, north, south, zunyi] = await Promise.all(
      ['hub', 'north', 'south', 'zunyi'].map((w) => client(w)),
    );
    const acks = await Promise.all([hub, north, south, zunyi].map((c) => c.subscribe({ scope: 'fleet' })));
    expect(
      acks.map((a) =>
        ok(a)
          .snapshot.map((s) => s.code)
          .sort(),
      ),
    ).toEqual([['LN-1', 'LN-2', 'LS-1'], ['LN-1', 'LN-2'], ['LS-1'], ['LN-1', 'LS-1']]);
    expect(ok(acks[1]!).room).not.toBe(ok(acks[0]!).room);
    for (const code of ['LN-1', 'LN-2', 'LS-1']) await post(code);
    await hub.until(() => fleetSites(hub).length === 3, 10_000, 'hub fleet');
    await north.until(() => fleetSites(north).length === 2, 10_000, 'north fleet');
    await south.until(() => fleetSites(south).length === 1, 10_000, 'south fleet');
    await zunyi.until(() => fleetSites(zunyi).length === 2, 10_000, 'zunyi fleet');
    await sleep(300);
    expect(fleetSites(north).sort()).toEqual(['LN-1', 'LN-2']);
    expect(fleetSites(south)).toEqual(['LS-1']);
    expect(fleetSites(zunyi).sort()).toEqual(['LN-1', 'LS-1']);
    // Each scope's stream numbers its own updates without gaps.
    const seqs = north.received['fleet:update'].map((u) => u.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  });

  it("refuses another organisation's dc room exactly like an unknown site, and streams its own", async () => {
    const north = await client('north');
    expect(await north.subscribe({ datacenter: 'LS-1' })).toEqual({
      ok: false,
      error: 'unknown data center LS-1',
    });
    expect(await north.subscribe({ datacenter: 'NO-SUCH' })).toEqual({
      ok: false,
      error: 'unknown data center NO-SUCH',
    });
    ok(await north.subscribe({ datacenter: 'LN-1' }));
    await post('LS-1');
    await post('LN-1');
    await north.until(() => north.received['dc:update'].length > 0, 5000, 'dc:update');
    await sleep(200);
    expect(north.received['dc:update'].map((u) => u.code)).toEqual(['LN-1']);
  });

  it('sends alarm and rating events only to the scopes of their site', async () => {
    const [hub, north, south, zunyi] = await Promise.all(
      ['hub', 'north', 'south', 'zunyi'].map((w) => client(w)),
    );
    const publisher = t.app.get(LivePublisher);
    await publisher.publishAlarm(alarm(9001, 'LS-1'));
    await publisher.publishRatingRevised({
      code: 'LN-2',
      year: 2025,
      previousPue: 1.3,
      pue: 1.31,
      revisedAt: new Date().toISOString(),
    });
    await hub.until(() => hub.received.alarm.length === 1 && hub.received['rating:revised'].length === 1);
    await south.until(() => south.received.alarm.length === 1);
    await north.until(() => north.received['rating:revised'].length === 1);
    await sleep(300);
    expect(north.received.alarm).toEqual([]);
    expect(south.received['rating:revised']).toEqual([]);
    expect(zunyi.received.alarm).toEqual([]); // regulators see no alarms
    expect(zunyi.received['rating:revised']).toEqual([]); // LN-2 is in Guiyang
    // Resuming the alarms stream of its own scope gives the event again, and nothing of another scope's.
    const resumed = ok(await south.subscribe({ scope: 'alarms', lastSeq: 0 }));
    const named = new Set(resumed.missed?.map((e) => ('alarm' in e ? e.alarm.datacenter : null)));
    expect(named).toEqual(new Set(['LS-1']));
  });

  it('disconnects a user moved to another organisation, and its new session sees the new scope', async () => {
    const hubAdmin = await t.login('admin');
    const token = await t.loginNew('l-mover', 'operator', { organization: 'LNORTH' });
    tokens.set('mover', token);
    const mover = await client('mover');
    ok(await mover.subscribe({ datacenter: 'LN-1' }));
    const gone = new Promise<void>((resolve) => mover.socket.once('disconnect', () => resolve()));
    const res = await t.request('/api/v1/users/l-mover', {
      method: 'PATCH',
      token: hubAdmin,
      json: { organization: 'LSOUTH' },
    });
    expect(res.status).toBe(200);
    await gone;
    const login = await t.request('/api/v1/auth/login', {
      method: 'POST',
      json: { username: 'l-mover', password: 'test-scoped-password-1' },
    });
    tokens.set('mover', ((await login.json()) as { accessToken: string }).accessToken);
    const again = await client('mover');
    expect(await again.subscribe({ datacenter: 'LN-1' })).toMatchObject({ ok: false });
    expect(ok(await again.subscribe({ scope: 'fleet' })).snapshot.map((s) => s.code)).toEqual(['LS-1']);
  });

  it("drops the old owner's watchers of a site moved away; the new owner's may subscribe", async () => {
    const hubAdmin = await t.login('admin');
    const north = await client('north');
    const south = await client('south');
    ok(await north.subscribe({ datacenter: 'LN-2' }));
    const gone = new Promise<void>((resolve) => north.socket.once('disconnect', () => resolve()));
    const moved = await t.request('/api/v1/organizations/LSOUTH/sites', {
      method: 'POST',
      token: hubAdmin,
      json: { site: 'LN-2' },
    });
    expect(moved.status).toBe(200);
    await gone;
    ok(await south.subscribe({ datacenter: 'LN-2' }));
    await t.request('/api/v1/organizations/LNORTH/sites', {
      method: 'POST',
      token: hubAdmin,
      json: { site: 'LN-2' },
    });
  });
});
