import { JwtService } from '@nestjs/jwt';
import type { DcUpdate, FleetUpdate } from '@dcfleet/contracts';
import { FLEET_INTERVAL_MS } from '../src/live/live-feed.service';
import { LivePublisher } from '../src/live/live.publisher';
import { bootTestApp, type TestApp } from './support/harness';
import { alarmOf as alarm, ok, RecordingClient, refusal, sleep } from './support/live-client';
import { earlierThanThrottleAllows, waitFor } from './support/wait';

const BUFFER = 5; // LIVE_BUFFER_SIZE for this suite: small, so "too old to resume" is cheap to reach

// Live push does not depend on the SQL dialect: SQLite here, PostgreSQL + Redis in live-redis.spec.ts.
describe('live push (socket.io /live)', () => {
  let t: TestApp;
  const tokens = new Map<string, string>();
  const clients: RecordingClient[] = [];

  const client = async (
    role: 'admin' | 'operator' | 'regulator' = 'operator',
    opts: { reconnection?: boolean } = {},
  ) => {
    const c = new RecordingClient(t.url, await t.login(role), opts);
    clients.push(c);
    return c.connect();
  };

  let value = 500;
  /** Posts one batch of fresh samples; returns its newest event time. */
  const post = async (code: string, ts = Date.now()): Promise<number> => {
    value += 1;
    const res = await t.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(code)}` },
      body: JSON.stringify({
        samples: [
          { metric: 'it_power_kw', ts, value },
          { metric: 'facility_power_kw', ts, value: value * 1.3 },
        ],
      }),
    });
    if (res.status !== 200) throw new Error(`ingest ${res.status}: ${await res.text()}`);
    return ts;
  };

  beforeAll(async () => {
    // Alarm rules off: the only alarms on the stream are the ones these tests publish.
    t = await bootTestApp('sqlite', {
      LIVE_BUFFER_SIZE: String(BUFFER),
      LIVE_CLIENT_MAX_QUEUE: '20',
      ALARMS_ENABLED: '0',
    });
    for (const code of ['GZ-LV-01', 'GZ-LV-02', 'GZ-LV-03', 'GZ-LV-04', 'GZ-LV-05', 'GZ-LV-06', 'GZ-LV-07']) {
      await t.createSite(code);
      tokens.set(code, (await t.createToken(code)).token);
    }
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(() => t?.close());

  it('refuses a connection without a token, with a malformed JWT or with a JWT signed by someone else', async () => {
    expect(await refusal(t.url)).toBe('unauthorized');
    expect(await refusal(t.url, 'not-a-jwt')).toBe('unauthorized');
    const forged = new JwtService({ secret: 'x'.repeat(48) }).sign(
      { sub: 1, username: 'admin', role: 'admin' },
      { issuer: 'dcfleet' },
    );
    expect(await refusal(t.url, forged)).toBe('unauthorized');
    // The same user with a real session connects.
    await expect(client('admin')).resolves.toBeInstanceOf(RecordingClient);
  });

  it('answers subscribe with a snapshot: the whole fleet, one data center, or an error', async () => {
    await post('GZ-LV-01');
    for (const role of ['admin', 'operator', 'regulator'] as const) {
      const c = await client(role);
      const fleet = ok(await c.subscribe({ scope: 'fleet' }));
      expect(fleet).toMatchObject({ room: 'fleet', resync: false });
      expect(typeof fleet.epoch).toBe('string');
      expect(fleet.snapshot.map((s) => s.code)).toEqual(expect.arrayContaining([...tokens.keys()]));
      const dc = ok(await c.subscribe({ datacenter: 'GZ-LV-01' }));
      expect(dc.room).toBe('dc:GZ-LV-01');
      expect(dc.snapshot).toHaveLength(1);
      expect(dc.snapshot[0]).toMatchObject({ code: 'GZ-LV-01', status: 'online', itPowerKw: value });
      expect(dc.seq).toBeGreaterThanOrEqual(1);
    }
    const c = await client('operator');
    expect(await c.subscribe({ datacenter: 'GZ-NOPE-99' })).toEqual({
      ok: false,
      error: 'unknown data center GZ-NOPE-99',
    });
    expect((await c.subscribe({ datacenter: 'lower case' })).ok).toBe(false);
    expect((await c.subscribe({ scope: 'everything' } as never)).ok).toBe(false);
    expect((await c.subscribe({ scope: 'fleet', lastSeq: -1 })).ok).toBe(false);
  });

  it('sends every accepted batch as dc:update to the site room, with seq 1, 2, …', async () => {
    const c = await client('regulator');
    const other = await client('operator');
    expect(ok(await c.subscribe({ datacenter: 'GZ-LV-02' })).seq).toBe(0);
    ok(await other.subscribe({ datacenter: 'GZ-LV-03' }));
    const ts1 = await post('GZ-LV-02');
    const ts2 = await post('GZ-LV-02', ts1 + 1000);
    await c.until(() => c.received['dc:update'].length >= 2, 5000, 'two dc:update');
    const [u1, u2] = c.received['dc:update'] as DcUpdate[];
    expect(u1).toEqual({
      code: 'GZ-LV-02',
      seq: 1,
      ts: new Date(ts1).toISOString(),
      values: { it_power_kw: value - 1, facility_power_kw: (value - 1) * 1.3 },
    });
    expect(u2).toMatchObject({
      code: 'GZ-LV-02',
      seq: 2,
      ts: new Date(ts2).toISOString(),
      values: { it_power_kw: value },
    });
    // Another room: one socket gets its events in the order they were emitted, so once `other` has an update
    // of its own room emitted after GZ-LV-02's, any of GZ-LV-02's sent to it would have come first.
    await post('GZ-LV-03');
    await other.until(() => other.received['dc:update'].length >= 1, 5000, 'dc:update of GZ-LV-03');
    expect(other.received['dc:update'].map((u) => u.code)).toEqual(['GZ-LV-03']);
  });

  it('coalesces fleet:update to at most one per second, with the changed sites', async () => {
    const c = await client('regulator');
    ok(await c.subscribe({ scope: 'fleet' }));
    const arrivedAt = new Map<number, number>();
    c.socket.on('fleet:update', (u) => arrivedAt.set(u.seq, Date.now()));
    const lv04 = (u: FleetUpdate) => u.sites.find((s) => s.code === 'GZ-LV-04');
    // Updates from the first one with GZ-LV-04 on: that site changes only from `start` on, so this excludes
    // updates still going out for earlier tests' batches.
    const ours = () => {
      const all = c.received['fleet:update'];
      const first = all.findIndex(lv04);
      return first < 0 ? [] : all.slice(first);
    };
    const start = Date.now();
    // A batch every ~50 ms for 2.5 intervals (pacing, not waiting): without coalescing, an update per batch
    // (at most one per 100 ms sync).
    while (Date.now() - start < 2.5 * FLEET_INTERVAL_MS) {
      await post('GZ-LV-04');
      await sleep(50);
    }
    const newest = value;
    // What is pending goes out at the end of its interval, whether or not anything else changes.
    await c.until(
      () => ours().some((u) => lv04(u)?.itPowerKw === newest),
      10_000,
      'fleet:update with the newest GZ-LV-04',
    );
    const updates = ours();
    expect(updates.map((u) => u.seq)).toEqual(updates.map((_, i) => updates[0]!.seq + i));
    // At most one per interval, measured so that a slow machine cannot fail it: see earlierThanThrottleAllows.
    const arrivals = updates.map((u) => arrivedAt.get(u.seq)!);
    expect(earlierThanThrottleAllows(start, arrivals, FLEET_INTERVAL_MS)).toEqual([]);
    // Every update carries the site's state at that moment: newer each time, the last one the newest.
    const powers = updates.map((u) => lv04(u)!.itPowerKw!);
    expect(powers).toEqual([...powers].sort((a, b) => a - b));
    expect(new Set(powers).size).toBe(powers.length);
    expect(powers[powers.length - 1]).toBe(newest);
  });

  it('resumes after a disconnect: subscribe with lastSeq returns exactly the missed events', async () => {
    const c = await client('operator');
    const first = ok(await c.subscribe({ datacenter: 'GZ-LV-05' }));
    await post('GZ-LV-05');
    await c.until(() => c.received['dc:update'].length === 1, 5000, 'dc:update');
    const lastSeq = c.received['dc:update'][0]!.seq;
    c.socket.disconnect();
    const ts1 = await post('GZ-LV-05');
    const ts2 = await post('GZ-LV-05', ts1 + 1000);
    await c.connect();
    const ack = ok(await c.subscribe({ datacenter: 'GZ-LV-05', lastSeq, epoch: first.epoch }));
    expect(ack.resync).toBe(false);
    expect(ack.seq).toBe(lastSeq + 2);
    expect(ack.missed).toEqual([
      { code: 'GZ-LV-05', seq: lastSeq + 1, ts: new Date(ts1).toISOString(), values: expect.any(Object) },
      {
        code: 'GZ-LV-05',
        seq: lastSeq + 2,
        ts: new Date(ts2).toISOString(),
        values: expect.objectContaining({ it_power_kw: value }),
      },
    ]);
    // Nothing missed: an empty list, not a resync.
    expect(
      ok(await c.subscribe({ datacenter: 'GZ-LV-05', lastSeq: ack.seq, epoch: ack.epoch })),
    ).toMatchObject({ resync: false, missed: [] });
  });

  it('tells a client that missed more than the buffer holds to resync from a fresh snapshot', async () => {
    const c = await client('operator');
    const first = ok(await c.subscribe({ datacenter: 'GZ-LV-06' }));
    c.socket.disconnect();
    let ts = Date.now() - 60_000;
    for (let i = 0; i < BUFFER + 2; i++) ts = await post('GZ-LV-06', ts + 1000);
    await c.connect();
    const ack = ok(await c.subscribe({ datacenter: 'GZ-LV-06', lastSeq: first.seq, epoch: first.epoch }));
    expect(ack.resync).toBe(true);
    expect(ack.missed).toBeUndefined();
    expect(ack.seq).toBe(first.seq + BUFFER + 2);
    expect(ack.snapshot[0]).toMatchObject({
      code: 'GZ-LV-06',
      itPowerKw: value,
      lastSampleAt: new Date(ts).toISOString(),
    });
    // A seq from another sequence space (e.g. before a restart without Redis) is never "resumed".
    expect(
      ok(await c.subscribe({ datacenter: 'GZ-LV-06', lastSeq: ack.seq - 1, epoch: 'other-epoch' })).resync,
    ).toBe(true);
    expect(ok(await c.subscribe({ datacenter: 'GZ-LV-06', lastSeq: ack.seq + 10 })).resync).toBe(true);
  });

  it('counts but does not build dc:update for a site nobody watches: a late resume resyncs, a new subscriber is current', async () => {
    // Nobody has subscribed to GZ-LV-07 on this instance: its updates are only counted (LivePublisher).
    let ts = Date.now() - 30_000;
    for (let i = 0; i < 3; i++) ts = await post('GZ-LV-07', ts + 1000);
    const c = await client('regulator');
    await new Promise((r) => setImmediate(r)); // the publishes run in setImmediate after each 200
    const fresh = ok(await c.subscribe({ datacenter: 'GZ-LV-07' }));
    expect(fresh.seq).toBe(3);
    expect(fresh.snapshot[0]).toMatchObject({
      code: 'GZ-LV-07',
      itPowerKw: value,
      lastSampleAt: new Date(ts).toISOString(),
    });
    const behind = ok(await c.subscribe({ datacenter: 'GZ-LV-07', lastSeq: 1, epoch: fresh.epoch }));
    expect(behind).toMatchObject({ resync: true, seq: 3 });
    // Watched now: the next batch is built, delivered with the next seq, and kept for resuming.
    await post('GZ-LV-07', ts + 1000);
    await c.until(() => c.received['dc:update'].length === 1, 5000, 'dc:update');
    expect(c.received['dc:update'][0]).toMatchObject({
      code: 'GZ-LV-07',
      seq: 4,
      values: { it_power_kw: value },
    });
    expect(
      ok(await c.subscribe({ datacenter: 'GZ-LV-07', lastSeq: 3, epoch: fresh.epoch })).missed,
    ).toHaveLength(1);
  });

  it('sends alarms to admin and operator sockets only, never to regulators', async () => {
    const operator = await client('operator');
    const admin = await client('admin');
    const regulator = await client('regulator');
    const publisher = t.app.get(LivePublisher);
    await publisher.publishAlarm(alarm(1, 'GZ-LV-01'));
    await publisher.publishAlarm({
      ...alarm(1, 'GZ-LV-01'),
      state: 'cleared',
      clearedAt: new Date().toISOString(),
    });
    await operator.until(() => operator.received.alarm.length === 2, 5000, 'alarms (operator)');
    await admin.until(() => admin.received.alarm.length === 2, 5000, 'alarms (admin)');
    expect(operator.received.alarm.map((a) => [a.seq, a.alarm.state])).toEqual([
      [expect.any(Number), 'active'],
      [operator.received.alarm[0]!.seq + 1, 'cleared'],
    ]);
    // Ratings are for everyone, regulators included.
    await publisher.publishRatingRevised({
      code: 'GZ-LV-01',
      year: 2025,
      previousPue: 1.31,
      pue: 1.29,
      revisedAt: new Date().toISOString(),
    });
    await regulator.until(() => regulator.received['rating:revised'].length === 1, 5000, 'rating:revised');
    expect(regulator.received['rating:revised'][0]).toMatchObject({
      seq: expect.any(Number),
      code: 'GZ-LV-01',
      pue: 1.29,
    });
    // The rating went out after the alarms, and one socket gets its events in order: alarms sent to the
    // regulator would have arrived before it.
    expect(regulator.received.alarm).toHaveLength(0);
    expect(await regulator.subscribe({ scope: 'alarms' })).toEqual({ ok: false, error: 'forbidden' });
    // The alarm stream resumes like any other (for the roles that may see it).
    const ack = ok(await operator.subscribe({ scope: 'alarms', lastSeq: operator.received.alarm[0]!.seq }));
    expect(ack.missed).toEqual([operator.received.alarm[1]]);
  });

  it('drops a client that stops reading instead of queueing for it without bound; it reconnects and resumes', async () => {
    const slow = await client('operator', { reconnection: true });
    const healthy = await client('admin');
    // Stop reading from the TCP socket (ws is socket.io-client's Node transport), as a stuck browser tab would.
    const raw = (
      slow.socket.io.engine.transport as unknown as {
        ws: { _socket: { pause: () => void; resume: () => void } };
      }
    ).ws._socket;
    raw.pause();
    const reasons: string[] = [];
    slow.socket.on('disconnect', (r) => reasons.push(r));
    const big = 'x'.repeat(1024 * 1024);
    const publisher = t.app.get(LivePublisher);
    const before = healthy.received.alarm.length;
    for (let i = 0; i < 60; i++) {
      await publisher.publishAlarm({ ...alarm(100 + i, 'GZ-LV-01'), message: big });
      // The reading client keeps up (each alarm arrives before the next is sent); the paused one falls behind.
      await healthy.until(() => healthy.received.alarm.length === before + i + 1, 15000, 'alarm (healthy)');
    }
    const nsp = t.app.get(LivePublisher)['nsp']!;
    await waitFor('the server to drop the paused client', () => nsp.sockets.size <= 1, 5000);
    expect(nsp.sockets.size).toBe(1); // only the healthy client is left on the server
    raw.resume();
    await slow.until(() => reasons.length > 0, 5000, 'disconnect');
    expect(reasons[0]).toBe('transport close'); // not "io server disconnect": the client reconnects by itself
    await new Promise<void>((resolve) =>
      slow.socket.connected ? resolve() : slow.socket.once('connect', () => resolve()),
    );
    expect(ok(await slow.subscribe({ scope: 'fleet' })).ok).toBe(true);
  }, 30000);
});
