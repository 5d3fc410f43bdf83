import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { AlarmInfo, SubscribeAck } from '@dcfleet/contracts';
import { LivePublisher } from '../src/live/live.publisher';
import { RecordingClient, sleep } from './support/live-client';
import { bootCluster, type Cluster } from './support/multi';

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
      await sleep(300); // instances share their snapshots within ~100 ms
      // The last batch went through instance 2; the snapshot from instance 1 is still the newest one.
      const d = await client(0);
      const ack = ok(await d.subscribe({ datacenter: site, lastSeq: first.seq, epoch: first.epoch }));
      expect(ack).toMatchObject({ resync: true, seq: first.seq + 30 });
      expect(ack.missed).toBeUndefined();
      expect(ack.snapshot[0]).toMatchObject({ code: site, itPowerKw: value });
      // The newest events are still there for a client that missed only a few.
      const recent = ok(await d.subscribe({ datacenter: site, lastSeq: ack.seq - 3, epoch: ack.epoch }));
      expect(recent.missed!.map((e) => e.seq)).toEqual([ack.seq - 2, ack.seq - 1, ack.seq]);
      const redis = new Redis(REDIS!);
      try {
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
      await sleep(1200);
      a.received['fleet:update'].length = 0;
      b.received['fleet:update'].length = 0;
      const arrivals: number[] = [];
      a.socket.on('fleet:update', () => arrivals.push(Date.now()));
      const until = Date.now() + 2600;
      for (let i = 0; Date.now() < until; i++) {
        await post(i % 2, i % 4 < 2 ? ingestToken : otherToken);
        await sleep(50);
      }
      await sleep(1500); // what is pending goes out within the next interval
      const updates = a.received['fleet:update'];
      expect(updates.length).toBeGreaterThanOrEqual(2);
      expect(updates.length).toBeLessThanOrEqual(5);
      for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThan(800);
      expect(updates.map((u) => u.seq)).toEqual(updates.map((_, i) => updates[0]!.seq + i));
      expect(b.received['fleet:update'].map((u) => u.seq)).toEqual(updates.map((u) => u.seq));
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
      await cluster.instances[1]!.app.get(LivePublisher).publishAlarm(alarm);
      await operator.until(() => operator.received.alarm.length === 1, 5000, 'alarm');
      expect(operator.received.alarm[0]).toEqual({ seq: expect.any(Number), alarm });
      await sleep(300);
      expect(regulator.received.alarm).toHaveLength(0);
    });
  });
}
