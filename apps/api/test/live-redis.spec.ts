import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { AlarmInfo, FleetUpdate, SiteSnapshot, SubscribeAck } from '@dcfleet/contracts';
import { FLEET_INTERVAL_MS } from '../src/live/live-feed.service';
import { LivePublisher } from '../src/live/live.publisher';
import { RecordingClient, sleep } from './support/live-client';
import { bootCluster, type Cluster } from './support/multi';
import { earlierThanThrottleAllows, waitFor } from './support/wait';

const PG = process.env.TEST_DATABASE_URL;
const REDIS = process.env.TEST_REDIS_URL;
if ((!PG || !REDIS) && process.env.REQUIRE_POSTGRES === '1') {
  throw new Error(
    'REQUIRE_POSTGRES=1 but TEST_DATABASE_URL or TEST_REDIS_URL is not set (the Redis suites are mandatory too)',
  );
}

type Ok = Extract<SubscribeAck, { ok: true }>;
function ok(ack: SubscribeAck): Ok {
  if (!ack.ok) throw new Error(`subscribe refused: ${ack.error}`);
  return ack;
}

if (!PG || !REDIS) {
  describe('live push across API instances (Redis)', () => {
    it.skip('needs TEST_DATABASE_URL and TEST_REDIS_URL: two instances on one PostgreSQL database with REDIS_URL', () => {});
  });
} else {
  describe('live push across two API instances sharing PostgreSQL and Redis', () => {
    // A prefix of our own: parallel runs (and a dev server) sharing this Redis never see our keys or events.
    const prefix = `dcfleet-test-${randomBytes(4).toString('hex')}`;
    let cluster: Cluster;
    const site = 'GZ-RD-01';
    let ingestToken: string;
    const clients: RecordingClient[] = [];
    let value = 700;

    const client = async (i: number, role: 'admin' | 'operator' | 'regulator' = 'operator') => {
      const c = new RecordingClient(cluster.instances[i]!.url, await cluster.login(role));
      clients.push(c);
      return c.connect();
    };
    const post = async (i: number, token = ingestToken) => {
      value += 1;
      const res = await cluster.ingest(i, token, {
        samples: [{ metric: 'it_power_kw', ts: Date.now(), value }],
      });
      if (res.status !== 200) throw new Error(`ingest via instance ${i}: ${res.status} ${await res.text()}`);
    };

    beforeAll(async () => {
      // Buffers of 50 events and 2 KiB per room: a dozen small dc:update events.
      cluster = await bootCluster(2, {
        REDIS_URL: REDIS,
        REDIS_PREFIX: prefix,
        LIVE_BUFFER_SIZE: '50',
        LIVE_BUFFER_BYTES: '2048',
        ALARMS_ENABLED: '0', // the only alarms on the stream are the ones published here
      });
      ingestToken = await cluster.createSiteWithToken(site);
    });
    afterEach(() => {
      for (const c of clients.splice(0)) c.close();
    });
    afterAll(async () => {
      await cluster?.close();
      const redis = new Redis(REDIS);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    });

    it('delivers a batch posted to instance 1 as dc:update to a client of instance 2, with one seq sequence', async () => {
      const on2 = await client(1, 'regulator');
      const on1 = await client(0, 'operator');
      expect(ok(await on2.subscribe({ datacenter: site })).seq).toBe(0);
      ok(await on1.subscribe({ datacenter: site }));
      await post(0);
      await on2.until(() => on2.received['dc:update'].length === 1, 5000, 'dc:update on instance 2');
      expect(on2.received['dc:update'][0]).toMatchObject({
        code: site,
        seq: 1,
        values: { it_power_kw: value },
      });
      // Posted to the other instance: the next seq, not a second "1".
      await post(1);
      await on1.until(() => on1.received['dc:update'].length === 2, 5000, 'dc:update on instance 1');
      await on2.until(() => on2.received['dc:update'].length === 2, 5000, 'second dc:update on instance 2');
      expect(on1.received['dc:update'].map((u) => u.seq)).toEqual([1, 2]);
      expect(on2.received['dc:update'].map((u) => u.seq)).toEqual([1, 2]);
    });

    it('resumes on another instance: the buffer is shared', async () => {
      const c = await client(0);
      const first = ok(await c.subscribe({ datacenter: site }));
      c.close();
      await post(1);
      await post(0);
      const d = await client(1);
      const ack = ok(await d.subscribe({ datacenter: site, lastSeq: first.seq, epoch: first.epoch }));
      expect(ack.epoch).toBe(first.epoch);
      expect(ack.resync).toBe(false);
      expect(ack.missed!.map((e) => e.seq)).toEqual([first.seq + 1, first.seq + 2]);
    });

    it('tells a client to resync when the shared buffer no longer holds what it missed', async () => {
      const c = await client(1);
      const first = ok(await c.subscribe({ datacenter: site }));
      c.close();
      for (let i = 0; i < 30; i++) await post(i % 2); // ≈ 4 KiB of events: more than the 2 KiB budget
      const redis = new Redis(REDIS!);
      try {
        // The last batch went through instance 2, which shares its snapshots through Redis (within ~100 ms):
        // once it has, instance 1 answers with that one, newer than the last it ingested itself.
        await waitFor('instance 2 to share its newest snapshot', async () => {
          const shared = await redis.hget(`${prefix}:live:snapshots`, site);
          return !!shared && (JSON.parse(shared) as SiteSnapshot).itPowerKw === value;
        });
        const d = await client(0);
        const ack = ok(await d.subscribe({ datacenter: site, lastSeq: first.seq, epoch: first.epoch }));
        expect(ack).toMatchObject({ resync: true, seq: first.seq + 30 });
        expect(ack.missed).toBeUndefined();
        expect(ack.snapshot[0]).toMatchObject({ code: site, itPowerKw: value });
        // The newest events are still there for a client that missed only a few.
        const recent = ok(await d.subscribe({ datacenter: site, lastSeq: ack.seq - 3, epoch: ack.epoch }));
        expect(recent.missed!.map((e) => e.seq)).toEqual([ack.seq - 2, ack.seq - 1, ack.seq]);
        const held = await redis.zcard(`${prefix}:live:buf:dc:${site}`);
        const bytes = Number(await redis.get(`${prefix}:live:bytes:dc:${site}`));
        expect(held).toBeLessThan(30);
        expect(bytes).toBeLessThanOrEqual(2048);
        const members = await redis.zrange(`${prefix}:live:buf:dc:${site}`, 0, -1);
        expect(members.reduce((n, m) => n + Buffer.byteLength(m), 0)).toBe(bytes);
      } finally {
        await redis.quit();
      }
    });

    it('coalesces fleet:update across instances: at most one per second, one seq sequence', async () => {
      const other = 'GZ-RD-02';
      const otherToken = await cluster.createSiteWithToken(other);
      const a = await client(0, 'regulator');
      const b = await client(1, 'admin');
      ok(await a.subscribe({ scope: 'fleet' }));
      ok(await b.subscribe({ scope: 'fleet' }));
      const arrivedAt = new Map<number, number>();
      a.socket.on('fleet:update', (u) => arrivedAt.set(u.seq, Date.now()));
      // Updates from the first one that carries a change made from `start` on (`other` is new; `site`'s
      // values only grow): this excludes updates still going out for earlier tests' batches.
      const since = value;
      const fresh = (u: FleetUpdate) =>
        u.sites.some((s) => s.code === other || (s.code === site && (s.itPowerKw ?? 0) > since));
      const ours = (c: RecordingClient) => {
        const all = c.received['fleet:update'];
        const first = all.findIndex(fresh);
        return first < 0 ? [] : all.slice(first);
      };
      const start = Date.now();
      // A batch every ~50 ms for 2.6 s through both instances (pacing, not waiting).
      let last = { code: site, value };
      for (let i = 0; Date.now() < start + 2.6 * FLEET_INTERVAL_MS; i++) {
        await post(i % 2, i % 4 < 2 ? ingestToken : otherToken);
        last = { code: i % 4 < 2 ? site : other, value };
        await sleep(50);
      }
      // What is pending goes out at the end of its interval, whether or not anything else changes.
      await a.until(
        () => ours(a).some((u) => u.sites.some((s) => s.code === last.code && s.itPowerKw === last.value)),
        10_000,
        'fleet:update with the last batch',
      );
      const updates = ours(a);
      expect(updates.map((u) => u.seq)).toEqual(updates.map((_, i) => updates[0]!.seq + i));
      // At most one per interval across both instances, measured so that a slow machine cannot fail it.
      const arrivals = updates.map((u) => arrivedAt.get(u.seq)!);
      expect(earlierThanThrottleAllows(start, arrivals, FLEET_INTERVAL_MS)).toEqual([]);
      // One sequence: the client of the other instance gets the same updates.
      const lastSeq = updates[updates.length - 1]!.seq;
      await b.until(
        () => b.received['fleet:update'].some((u) => u.seq >= lastSeq),
        10_000,
        'the same fleet:update on instance 2',
      );
      expect(
        ours(b)
          .filter((u) => u.seq <= lastSeq)
          .map((u) => u.seq),
      ).toEqual(updates.map((u) => u.seq));
      const codes = new Set(updates.flatMap((u) => u.sites.map((s) => s.code)));
      expect([...codes].sort()).toEqual([site, other]);
    });

    it('sends an alarm published on one instance to operators on every instance, never to regulators', async () => {
      const operator = await client(0, 'operator');
      const regulator = await client(0, 'regulator');
      const alarm: AlarmInfo = {
        id: 7,
        datacenter: site,
        rule: 'stale',
        severity: 'critical',
        state: 'active',
        message: 'no data for 300 s',
        raisedAt: new Date().toISOString(),
        clearedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        note: null,
      };
      const publisher = cluster.instances[1]!.app.get(LivePublisher);
      await publisher.publishAlarm(alarm);
      await operator.until(() => operator.received.alarm.length === 1, 5000, 'alarm');
      expect(operator.received.alarm[0]).toEqual({ seq: expect.any(Number), alarm });
      // Then an event regulators do get, from the same instance: broadcasts travel through Redis in the order
      // they were published and one socket gets its events in order, so the alarm would have come first.
      await publisher.publishRatingRevised({
        code: site,
        year: 2025,
        previousPue: 1.31,
        pue: 1.29,
        revisedAt: new Date().toISOString(),
      });
      await regulator.until(() => regulator.received['rating:revised'].length === 1, 5000, 'rating:revised');
      expect(regulator.received.alarm).toHaveLength(0);
    });

    it("a site moved on one instance is out of its old owner's scope on the other at once", async () => {
      const call = (i: number, path: string, token: string, json?: unknown) =>
        fetch(cluster.instances[i]!.url + path, {
          method: json === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: json === undefined ? undefined : JSON.stringify(json),
        });
      const admin = await cluster.login('admin');
      for (const code of ['RD-ONE', 'RD-TWO'])
        expect((await call(0, '/api/v1/organizations', admin, { code, name: code })).status).toBe(201);
      expect((await call(0, '/api/v1/organizations/RD-ONE/sites', admin, { site })).status).toBe(200);
      const password = 'a-long-password-1';
      const user = { username: 'rd-one-op', password, role: 'operator', organization: 'RD-ONE' };
      expect((await call(0, '/api/v1/users', admin, user)).status).toBe(201);
      const login = await call(1, '/api/v1/auth/login', '', { username: user.username, password });
      const member = ((await login.json()) as { accessToken: string }).accessToken;
      // Instance 1 has the site cached with its owner now.
      expect((await call(1, `/api/v1/datacenters/${site}`, member)).status).toBe(200);
      expect((await call(0, '/api/v1/organizations/RD-TWO/sites', admin, { site })).status).toBe(200);
      await waitFor(
        'instance 1 to drop the moved site from the old owner',
        async () => (await call(1, `/api/v1/datacenters/${site}`, member)).status === 404,
        2000,
      );
      expect((await call(0, '/api/v1/organizations/DEFAULT/sites', admin, { site })).status).toBe(200);
    });
  });
}
