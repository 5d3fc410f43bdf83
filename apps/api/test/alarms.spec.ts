/**
 * Alarms through the HTTP API (docs/contract.md "Alarms") on SQLite and PostgreSQL: every rule fires and clears, no
 * flapping at a threshold, late data never clears, a stale site raises exactly one alarm, acknowledgement by
 * operators (regulators refused), webhooks (a local receiver) and live push.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AlarmInfo,
  AlarmRuleInfo,
  AlarmWebhookPayload,
  AuditEntry,
  DataCenterWithSnapshot,
} from '@dcfleet/contracts';
import { AlarmEngine } from '../src/alarms/alarm-engine';
import { AlarmWebhooks } from '../src/alarms/alarm-webhooks';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { bootCluster, type Cluster } from './support/multi';
import { RecordingClient, sleep } from './support/live-client';

type Sample = { metric: string; ts: number; value: number; labels?: Record<string, string> };

/** A local webhook receiver: records every POST; paths listed in `failNext` answer 500 that many times. */
class Receiver {
  readonly received: { path: string; contentType: string | undefined; body: AlarmWebhookPayload }[] = [];
  readonly failNext = new Map<string, number>();
  failures = 0;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const fail = this.failNext.get(path) ?? 0;
        if (fail > 0) {
          this.failNext.set(path, fail - 1);
          this.failures++;
          res.statusCode = 500;
          res.end('not now');
          return;
        }
        this.received.push({
          path,
          contentType: req.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as AlarmWebhookPayload,
        });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  of(code: string, path?: string) {
    return this.received.filter(
      (r) => r.body.alarm.datacenter === code && (path === undefined || r.path === path),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe.each(dialects())('alarms on %s', (dialect) => {
  let t: TestApp;
  const receiver = new Receiver();
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    await receiver.start();
    t = await bootTestApp(dialect, {
      STALE_AFTER_S: '10',
      ALARM_EVAL_INTERVAL_MS: '200',
      ALARM_WEBHOOK_URL: `${receiver.url}/global`,
      ALARM_WEBHOOK_RETRY_MS: '50',
      ALARM_MAX_PER_RULE: '3',
    });
  });
  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  const site = async (code: string): Promise<void> => {
    await t.createSite(code);
    tokens.set(code, (await t.createToken(code)).token);
  };

  const ingest = async (code: string, samples: Sample[]): Promise<void> => {
    const res = await t.request('/api/v1/ingest', {
      method: 'POST',
      token: tokens.get(code),
      json: { samples },
    });
    if (res.status !== 200) throw new Error(`ingest ${res.status}: ${await res.text()}`);
  };

  const inlet = (zone: string, ts: number, value: number): Sample => ({
    metric: 'inlet_temp_c',
    labels: { zone },
    ts,
    value,
  });
  const power = (ts: number, facility: number, it: number): Sample[] => [
    { metric: 'facility_power_kw', ts, value: facility },
    { metric: 'it_power_kw', ts, value: it },
  ];

  /** Waits until evaluation and storage caught up with everything ingested so far. */
  const settle = () => t.app.get(AlarmEngine).settle();

  const list = async (
    code: string,
    state: 'active' | 'all' = 'all',
    role: 'operator' | 'admin' = 'operator',
  ): Promise<AlarmInfo[]> => {
    const res = await t.request(`/api/v1/alarms?state=${state}&datacenter=${code}`, {
      token: await t.login(role),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as AlarmInfo[];
  };

  const createRule = async (body: Record<string, unknown>): Promise<AlarmRuleInfo> => {
    const res = await t.request('/api/v1/alarm-rules', {
      method: 'POST',
      token: await t.login('admin'),
      json: body,
    });
    if (res.status !== 201) throw new Error(`create rule: ${res.status} ${await res.text()}`);
    return (await res.json()) as AlarmRuleInfo;
  };

  it('seeds the built-in fleet-wide rules (ASHRAE inlet bands, sustained live PUE, stale, metering, optional rate)', async () => {
    const res = await t.request('/api/v1/alarm-rules', { token: await t.login('operator') });
    expect(res.status).toBe(200);
    const rules = (await res.json()) as AlarmRuleInfo[];
    const byName = Object.fromEntries(rules.map((r) => [r.builtin, r]));
    expect(byName['ashrae-inlet-recommended']).toMatchObject({
      datacenter: null,
      kind: 'inlet_temp',
      severity: 'warning',
      enabled: true,
      params: { low: 18, high: 27, hysteresis: 0.5 },
    });
    expect(byName['ashrae-inlet-allowable-a1']).toMatchObject({
      kind: 'inlet_temp',
      severity: 'critical',
      enabled: true,
      params: { low: 15, high: 32 },
    });
    expect(byName['live-pue-sustained']).toMatchObject({
      kind: 'pue',
      enabled: true,
      params: { threshold: 1.6, sustainS: 900 },
    });
    expect(byName['site-stale']).toMatchObject({ kind: 'stale', severity: 'critical', enabled: true });
    expect(byName['metering-consistency']).toMatchObject({ kind: 'metering', enabled: true });
    expect(byName['ashrae-inlet-rate']).toMatchObject({
      kind: 'inlet_rate',
      enabled: false,
      params: { maxCPerHour: 20 },
    });
  });

  it('inlet temperature: warning and critical per zone fire and clear, and a value hovering at the threshold does not flap', async () => {
    await site('AL-INLET');
    const t0 = Date.now();
    const at = (i: number) => t0 + i * 5000;
    await ingest('AL-INLET', [inlet('A1', at(0), 22), inlet('A2', at(0), 22)]);
    await ingest('AL-INLET', [inlet('A1', at(1), 27.3), inlet('A2', at(1), 22.5)]);
    // Hovering around 27 °C: above, below, above … but never down to 26.5 (27 - hysteresis).
    for (const [i, v] of [26.8, 27.2, 26.9, 27.1, 26.6].entries())
      await ingest('AL-INLET', [inlet('A1', at(2 + i), v)]);
    await settle();
    let alarms = await list('AL-INLET');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      datacenter: 'AL-INLET',
      rule: 'inlet_temp',
      severity: 'warning',
      state: 'active',
      key: 'A1',
      zone: 'A1',
      value: 27.3,
      threshold: 27,
      eventTs: new Date(at(1)).toISOString(),
      acknowledgedAt: null,
    });
    expect(alarms[0]!.message).toMatch(/27\.3 °C in zone A1 above 27 °C/);

    await ingest('AL-INLET', [inlet('A1', at(7), 33)]); // beyond A1 allowable: critical too
    await settle();
    alarms = await list('AL-INLET', 'active');
    expect(alarms.map((a) => a.severity).sort()).toEqual(['critical', 'warning']);

    await ingest('AL-INLET', [inlet('A1', at(8), 26.4), inlet('A2', at(8), 17.2)]); // A1 back; A2 too cold
    await settle();
    alarms = await list('AL-INLET');
    const a1 = alarms.filter((a) => a.key === 'A1');
    expect(a1).toHaveLength(2);
    for (const a of a1)
      expect(a).toMatchObject({
        state: 'cleared',
        clearedValue: 26.4,
        clearedEventTs: new Date(at(8)).toISOString(),
      });
    expect(alarms.filter((a) => a.key === 'A2' && a.state === 'active')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        value: 17.2,
        threshold: 18,
        message: expect.stringMatching(/below 18 °C/),
      }),
    ]);
    await ingest('AL-INLET', [inlet('A2', at(9), 18.3)]); // inside the band but within the hysteresis
    await settle();
    expect(await list('AL-INLET', 'active')).toHaveLength(1);
    await ingest('AL-INLET', [inlet('A2', at(10), 18.6)]);
    await settle();
    expect(await list('AL-INLET', 'active')).toEqual([]);
    expect(await list('AL-INLET')).toHaveLength(3); // history kept
  });

  it('late data never raises or clears a current alarm; fresh data does', async () => {
    await site('AL-LATE');
    const t0 = Date.now();
    await ingest('AL-LATE', [inlet('B1', t0, 22)]);
    await ingest('AL-LATE', [inlet('B1', t0 + 60_000, 29)]);
    await settle();
    const [raised] = await list('AL-LATE', 'active');
    expect(raised).toMatchObject({ key: 'B1', severity: 'warning' });

    // Backfill before the raising sample (within the lateness allowance) and far behind it: nothing changes.
    await ingest('AL-LATE', [inlet('B1', t0 + 30_000, 22), inlet('B1', t0 + 59_000, 21)]);
    await ingest('AL-LATE', [inlet('B1', t0 - 600_000, 20), inlet('B9', t0 - 600_000, 40)]);
    // A replay of the raising batch (unchanged samples) does nothing either.
    await ingest('AL-LATE', [inlet('B1', t0 + 60_000, 29)]);
    await settle();
    expect(await list('AL-LATE')).toEqual([expect.objectContaining({ id: raised!.id, state: 'active' })]);

    await ingest('AL-LATE', [inlet('B1', t0 + 70_000, 22)]);
    await settle();
    expect(await list('AL-LATE')).toEqual([
      expect.objectContaining({ id: raised!.id, state: 'cleared', clearedValue: 22 }),
    ]);

    // A late hot sample from before the clearing one does not raise again.
    await ingest('AL-LATE', [inlet('B1', t0 + 65_000, 35)]);
    await settle();
    expect(await list('AL-LATE', 'active')).toEqual([]);
  });

  it('live PUE above the threshold for the sustain period raises once and clears below threshold - hysteresis', async () => {
    await site('AL-PUE');
    // Site rule replacing the fleet-wide PUE rule here: PUE > 1.5 for 60 s.
    await createRule({
      datacenter: 'AL-PUE',
      kind: 'pue',
      severity: 'warning',
      params: { threshold: 1.5, sustainS: 60 },
    });
    const t0 = Date.now();
    const at = (i: number) => t0 + i * 10_000;
    for (let i = 0; i <= 5; i++) await ingest('AL-PUE', power(at(i), 1700, 1000)); // 1.7 for 50 s: not yet
    await settle();
    expect(await list('AL-PUE')).toEqual([]);
    for (let i = 6; i <= 9; i++) await ingest('AL-PUE', power(at(i), 1700, 1000)); // 60 s reached at i = 6
    await settle();
    const alarms = await list('AL-PUE');
    expect(alarms).toEqual([
      expect.objectContaining({
        rule: 'pue',
        severity: 'warning',
        state: 'active',
        value: 1.7,
        threshold: 1.5,
        eventTs: new Date(at(6)).toISOString(),
      }),
    ]);
    await ingest('AL-PUE', power(at(10), 1480, 1000)); // 1.48: below 1.5 but above 1.45, stays active
    await ingest('AL-PUE', power(at(11), 1520, 1000));
    await settle();
    expect(await list('AL-PUE', 'active')).toHaveLength(1);
    await ingest('AL-PUE', power(at(12), 1440, 1000));
    await settle();
    expect(await list('AL-PUE')).toEqual([expect.objectContaining({ state: 'cleared', clearedValue: 1.44 })]);
  });

  it('metering: IT above facility power, and a counter running backwards without a reset marker', async () => {
    await site('AL-METER');
    await createRule({
      datacenter: 'AL-METER',
      kind: 'metering',
      severity: 'warning',
      params: { clearAfterS: 20 },
    });
    const t0 = Date.now();
    const at = (i: number) => t0 + i * 10_000;
    await ingest('AL-METER', [
      ...power(at(0), 1000, 800),
      { metric: 'facility_energy_kwh', ts: at(0), value: 1000 },
    ]);
    await ingest('AL-METER', [
      ...power(at(1), 1000, 1100),
      { metric: 'facility_energy_kwh', ts: at(1), value: 1010 },
    ]);
    await ingest('AL-METER', [
      ...power(at(2), 1000, 1010),
      { metric: 'facility_energy_kwh', ts: at(2), value: 1005 },
    ]);
    // Resets: a meter restarting near zero, and a drop with an x_counter_reset marker. Neither is an alarm.
    await ingest('AL-METER', [
      { metric: 'it_energy_kwh', ts: at(0), value: 5000 },
      { metric: 'water_m3', ts: at(0), value: 100 },
    ]);
    await ingest('AL-METER', [
      { metric: 'it_energy_kwh', ts: at(1), value: 12 },
      { metric: 'water_m3', ts: at(1), value: 90 },
      { metric: 'x_counter_reset', labels: { metric: 'water_m3' }, ts: at(1), value: 1 },
    ]);
    await settle();
    let active = await list('AL-METER', 'active');
    expect(active.map((a) => a.key).sort()).toEqual(['counter:facility_energy_kwh', 'it>facility']);
    expect(active.find((a) => a.key === 'it>facility')).toMatchObject({
      rule: 'metering',
      value: 1100,
      threshold: 1000,
    });
    expect(active.find((a) => a.key === 'it>facility')!.message).toMatch(
      /IT power 1100 kW above facility power 1000 kW/,
    );
    expect(active.find((a) => a.key !== 'it>facility')).toMatchObject({
      value: 1005,
      threshold: 1010,
      message: expect.stringMatching(/went backwards from 1010 to 1005 without a reset marker/),
    });
    // IT 1010 vs facility 1000 is still above facility: not cleared (it clears at IT <= facility).
    await ingest('AL-METER', [
      ...power(at(3), 1000, 990),
      { metric: 'facility_energy_kwh', ts: at(3), value: 1007 },
    ]);
    await settle();
    active = await list('AL-METER', 'active');
    expect(active.map((a) => a.key)).toEqual(['counter:facility_energy_kwh']); // counting again for only 10 s
    await ingest('AL-METER', [{ metric: 'facility_energy_kwh', ts: at(4), value: 1012 }]);
    await settle();
    expect(await list('AL-METER', 'active')).toEqual([]);
  });

  it('inlet rate of change (optional rule) fires and clears', async () => {
    await site('AL-RATE');
    await createRule({
      datacenter: 'AL-RATE',
      kind: 'inlet_rate',
      severity: 'warning',
      params: { maxCPerHour: 20, windowS: 120 },
    });
    const t0 = Date.now();
    // +1 °C per 60 s = 60 °C/h once 60 s of history exist.
    for (let i = 0; i <= 4; i++) await ingest('AL-RATE', [inlet('R1', t0 + i * 30_000, 20 + i * 0.5)]);
    await settle();
    const [a] = await list('AL-RATE', 'active');
    expect(a).toMatchObject({ rule: 'inlet_rate', key: 'R1', zone: 'R1', threshold: 20 });
    expect(a!.value).toBeCloseTo(60, 5);
    for (let i = 5; i <= 9; i++) await ingest('AL-RATE', [inlet('R1', t0 + i * 30_000, 22)]);
    await settle();
    expect(await list('AL-RATE', 'active')).toEqual([]);
  });

  it('a stale site raises exactly one alarm listing its silent series; old data does not clear it, fresh data does', async () => {
    await site('AL-STALE');
    const old = Date.now() - 15_000; // STALE_AFTER_S is 10 here
    await ingest('AL-STALE', [...power(old, 1300, 1000), inlet('A1', old, 22), inlet('A2', old, 23)]);
    await settle();
    const [alarm] = await until('stale alarm', async () => {
      const active = (await list('AL-STALE', 'active')).filter((a) => a.rule === 'stale');
      return active.length ? active : undefined;
    });
    await sleep(1000); // five more checks
    await settle();
    const stale = (await list('AL-STALE')).filter((a) => a.rule === 'stale');
    expect(stale).toHaveLength(1);
    expect(alarm).toMatchObject({
      severity: 'critical',
      state: 'active',
      key: '',
      threshold: 10,
      eventTs: new Date(old).toISOString(),
    });
    expect(alarm!.message).toMatch(
      /^No data from AL-STALE for \d+ s .*4 silent series: facility_power_kw, inlet_temp_c\{zone=A1\}, inlet_temp_c\{zone=A2\}, it_power_kw$/,
    );
    expect(alarm!.details).toMatchObject({
      silentSeriesCount: 4,
      silentSeries: ['facility_power_kw', 'inlet_temp_c{zone=A1}', 'inlet_temp_c{zone=A2}', 'it_power_kw'],
    });

    const dc = await (
      await t.request('/api/v1/datacenters/AL-STALE', { token: await t.login('operator') })
    ).json();
    expect((dc as DataCenterWithSnapshot).snapshot.activeAlarms).toBe(1);

    await ingest('AL-STALE', power(old - 5000, 1300, 1000)); // backfill: not fresh
    await settle();
    await t.app.get(AlarmEngine).tickNow();
    await settle();
    expect((await list('AL-STALE', 'active')).filter((a) => a.rule === 'stale')).toHaveLength(1);

    const fresh = Date.now();
    await ingest('AL-STALE', power(fresh, 1300, 1000));
    await settle();
    expect((await list('AL-STALE')).filter((a) => a.rule === 'stale')).toEqual([
      expect.objectContaining({
        id: alarm!.id,
        state: 'cleared',
        clearedEventTs: new Date(fresh).toISOString(),
      }),
    ]);
    const after = await (
      await t.request('/api/v1/datacenters/AL-STALE', { token: await t.login('operator') })
    ).json();
    expect((after as DataCenterWithSnapshot).snapshot.activeAlarms).toBe(0);
  });

  it('operators acknowledge with a note (who, when; audited; once); regulators never see alarms', async () => {
    await site('AL-ACK');
    const t0 = Date.now() + 60_000;
    await ingest('AL-ACK', [inlet('C1', t0, 22)]);
    await ingest('AL-ACK', [inlet('C1', t0 + 5000, 28)]);
    await settle();
    const [alarm] = await list('AL-ACK', 'active');
    const operator = await t.login('operator');
    const regulator = await t.login('regulator');

    expect((await t.request(`/api/v1/alarms?state=active`, { token: regulator })).status).toBe(403);
    expect((await t.request(`/api/v1/alarms/${alarm!.id}`, { token: regulator })).status).toBe(403);
    expect(
      (
        await t.request(`/api/v1/alarms/${alarm!.id}/ack`, {
          method: 'POST',
          token: regulator,
          json: { note: 'x' },
        })
      ).status,
    ).toBe(403);
    expect((await t.request('/api/v1/alarm-rules', { token: regulator })).status).toBe(403);
    expect((await t.request('/api/v1/alarms?state=bogus', { token: operator })).status).toBe(400);

    const before = Date.now();
    const res = await t.request(`/api/v1/alarms/${alarm!.id}/ack`, {
      method: 'POST',
      token: operator,
      json: { note: 'CRAC 3 restarted' },
    });
    expect(res.status).toBe(200);
    const acked = (await res.json()) as AlarmInfo;
    expect(acked).toMatchObject({
      id: alarm!.id,
      state: 'active',
      acknowledgedBy: 'operator',
      note: 'CRAC 3 restarted',
    });
    expect(Date.parse(acked.acknowledgedAt!)).toBeGreaterThanOrEqual(before - 1);
    const again = await t.request(`/api/v1/alarms/${alarm!.id}/ack`, {
      method: 'POST',
      token: operator,
      json: {},
    });
    expect(again.status).toBe(409);
    expect(
      (await t.request('/api/v1/alarms/999999/ack', { method: 'POST', token: operator, json: {} })).status,
    ).toBe(404);
    expect(
      (
        await t.request(`/api/v1/alarms/${alarm!.id}/ack`, {
          method: 'POST',
          token: operator,
          json: { note: 5 },
        })
      ).status,
    ).toBe(400);

    // active/cleared and unacknowledged/acknowledged are independent: it clears and stays acknowledged.
    await ingest('AL-ACK', [inlet('C1', t0 + 10_000, 22)]);
    await settle();
    expect(await list('AL-ACK')).toEqual([
      expect.objectContaining({
        id: alarm!.id,
        state: 'cleared',
        acknowledgedBy: 'operator',
        note: 'CRAC 3 restarted',
      }),
    ]);
    // A cleared, unacknowledged alarm can be acknowledged too (by an admin, without a note).
    await ingest('AL-ACK', [inlet('C1', t0 + 15_000, 28)]);
    await ingest('AL-ACK', [inlet('C1', t0 + 20_000, 22)]);
    await settle();
    const second = (await list('AL-ACK')).find((a) => a.id !== alarm!.id)!;
    expect(second).toMatchObject({ state: 'cleared', acknowledgedAt: null });
    const adminAck = await t.request(`/api/v1/alarms/${second.id}/ack`, {
      method: 'POST',
      token: await t.login('admin'),
      json: {},
    });
    expect(adminAck.status).toBe(200);
    expect(await adminAck.json()).toMatchObject({ state: 'cleared', acknowledgedBy: 'admin', note: null });

    // Every transition is in the audit log.
    const audit = (await (
      await t.request('/api/v1/audit?limit=1000', { token: await t.login('admin') })
    ).json()) as AuditEntry[];
    const mine = audit.filter((e) => e.target === `alarm:${alarm!.id}`).map((e) => [e.action, e.actor]);
    expect(mine.sort()).toEqual([
      ['alarm.ack', 'operator'],
      ['alarm.clear', 'system'],
      ['alarm.raise', 'system'],
    ]);
    expect(
      audit.find((e) => e.action === 'alarm.ack' && e.target === `alarm:${alarm!.id}`)!.details,
    ).toMatchObject({ note: 'CRAC 3 restarted', datacenter: 'AL-ACK' });
  });

  it('webhooks receive raised, acknowledged and cleared (global and per-rule URL, retried with backoff); live push reaches operators only', async () => {
    await site('AL-HOOK');
    receiver.failNext.set('/rule', 2); // the rule's endpoint fails twice, then recovers
    await createRule({
      datacenter: 'AL-HOOK',
      kind: 'inlet_temp',
      severity: 'warning',
      webhookUrl: `${receiver.url}/rule`,
    });
    const operator = await new RecordingClient(t.url, await t.login('operator')).connect();
    const regulator = await new RecordingClient(t.url, await t.login('regulator')).connect();
    try {
      const t0 = Date.now() + 60_000;
      await ingest('AL-HOOK', [inlet('D1', t0, 22)]);
      await ingest('AL-HOOK', [inlet('D1', t0 + 5000, 27.5)]);
      await settle();
      const [alarm] = await list('AL-HOOK', 'active');
      await t.request(`/api/v1/alarms/${alarm!.id}/ack`, {
        method: 'POST',
        token: await t.login('operator'),
        json: { note: 'on it' },
      });
      await ingest('AL-HOOK', [inlet('D1', t0 + 10_000, 23)]);
      await settle();
      await t.app.get(AlarmWebhooks).drain();

      for (const path of ['/global', '/rule']) {
        const got = receiver.of('AL-HOOK', path);
        expect(got.map((r) => r.body.event)).toEqual(['raised', 'acknowledged', 'cleared']);
        expect(got.every((r) => r.contentType === 'application/json')).toBe(true);
        expect(got[0]!.body.alarm).toMatchObject({
          id: alarm!.id,
          datacenter: 'AL-HOOK',
          rule: 'inlet_temp',
          severity: 'warning',
          state: 'active',
          zone: 'D1',
          value: 27.5,
        });
        expect(got[1]!.body.alarm).toMatchObject({
          id: alarm!.id,
          acknowledgedBy: 'operator',
          note: 'on it',
        });
        expect(got[2]!.body.alarm).toMatchObject({
          id: alarm!.id,
          state: 'cleared',
          acknowledgedBy: 'operator',
          clearedValue: 23,
        });
        expect(Date.parse(got[0]!.body.sentAt)).toBeGreaterThan(0);
      }
      expect(receiver.failures).toBeGreaterThanOrEqual(2);

      await operator.until(
        () => operator.received.alarm.filter((e) => e.alarm.datacenter === 'AL-HOOK').length === 3,
        5000,
        'live alarms',
      );
      const live = operator.received.alarm.filter((e) => e.alarm.datacenter === 'AL-HOOK');
      expect(live.map((e) => [e.alarm.state, e.alarm.acknowledgedBy])).toEqual([
        ['active', null],
        ['active', 'operator'],
        ['cleared', 'operator'],
      ]);
      expect(regulator.received.alarm).toHaveLength(0);
    } finally {
      operator.close();
      regulator.close();
    }
  });

  it('rules admin API: admins create, tune, disable and delete; operators read; validation; built-ins stay', async () => {
    await site('AL-RULES');
    const admin = await t.login('admin');
    const operator = await t.login('operator');
    const base = { datacenter: 'AL-RULES', kind: 'inlet_temp', severity: 'warning' };
    expect(
      (await t.request('/api/v1/alarm-rules', { method: 'POST', token: operator, json: base })).status,
    ).toBe(403);
    for (const bad of [
      { ...base, params: { low: 30, high: 20 } },
      { ...base, params: { high: 27, bogus: 1 } },
      { ...base, kind: 'nope' },
      { ...base, webhookUrl: 'ftp://example.com/x' },
      { ...base, webhookUrl: 'not a url' },
      { ...base, datacenter: 'NO-SUCH-SITE' },
    ]) {
      const res = await t.request('/api/v1/alarm-rules', { method: 'POST', token: admin, json: bad });
      expect([400, 404]).toContain(res.status);
    }
    const rule = await createRule({ ...base, params: { high: 25 } });
    expect(rule).toMatchObject({
      datacenter: 'AL-RULES',
      params: { low: 18, high: 25, hysteresis: 0.5 },
      enabled: true,
      builtin: null,
      webhookUrl: null,
    });
    expect(
      (await t.request('/api/v1/alarm-rules', { method: 'POST', token: admin, json: base })).status,
    ).toBe(409);

    // The site rule (high 25) replaces the fleet-wide warning (high 27) at this site.
    const t0 = Date.now() + 60_000;
    await ingest('AL-RULES', [inlet('E1', t0, 26)]);
    await settle();
    expect(await list('AL-RULES', 'active')).toEqual([
      expect.objectContaining({ ruleId: rule.id, threshold: 25 }),
    ]);

    const patched = await t.request(`/api/v1/alarm-rules/${rule.id}`, {
      method: 'PATCH',
      token: admin,
      json: { params: { hysteresis: 1 } },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ params: { low: 18, high: 25, hysteresis: 1 } });
    // Disabling the rule resolves its active alarm.
    const disabled = await t.request(`/api/v1/alarm-rules/${rule.id}`, {
      method: 'PATCH',
      token: admin,
      json: { enabled: false },
    });
    expect(disabled.status).toBe(200);
    await settle();
    expect(await list('AL-RULES', 'active')).toEqual([]);
    expect(await list('AL-RULES')).toEqual([
      expect.objectContaining({ state: 'cleared', clearedEventTs: null }),
    ]);

    const rules = (await (
      await t.request('/api/v1/alarm-rules?datacenter=AL-RULES', { token: operator })
    ).json()) as AlarmRuleInfo[];
    const builtin = rules.find((r) => r.builtin === 'live-pue-sustained')!;
    expect(rules.find((r) => r.id === rule.id)).toMatchObject({ enabled: false });
    expect(
      (await t.request(`/api/v1/alarm-rules/${builtin.id}`, { method: 'DELETE', token: admin })).status,
    ).toBe(409);
    expect(
      (
        await t.request(`/api/v1/alarm-rules/${builtin.id}`, {
          method: 'PATCH',
          token: operator,
          json: { enabled: false },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.request(`/api/v1/alarm-rules/${builtin.id}`, {
          method: 'PATCH',
          token: admin,
          json: { params: { sustainS: -1 } },
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.request(`/api/v1/alarm-rules/${rule.id}`, { method: 'DELETE', token: operator })).status,
    ).toBe(403);
    expect(
      (await t.request(`/api/v1/alarm-rules/${rule.id}`, { method: 'DELETE', token: admin })).status,
    ).toBe(204);
    expect((await t.request(`/api/v1/alarm-rules/${rule.id}`, { token: admin })).status).toBe(404);
    // History survives the rule.
    expect(await list('AL-RULES')).toEqual([expect.objectContaining({ ruleId: null, state: 'cleared' })]);

    const audit = (await (
      await t.request('/api/v1/audit?limit=1000', { token: admin })
    ).json()) as AuditEntry[];
    const actions = audit.filter((e) => e.target === `alarm-rule:${rule.id}`).map((e) => e.action);
    expect(actions.sort()).toEqual([
      'alarm_rule.create',
      'alarm_rule.delete',
      'alarm_rule.update',
      'alarm_rule.update',
    ]);
  });

  it('site rules switch fleet rules off and on for one site; series start being evaluated when a rule applies again', async () => {
    await site('AL-NONE');
    const off = { datacenter: 'AL-NONE', kind: 'inlet_temp', enabled: false };
    await createRule({ ...off, severity: 'warning' });
    const critical = await createRule({ ...off, severity: 'critical' });
    const t0 = Date.now() + 60_000;
    await ingest('AL-NONE', [inlet('N1', t0, 40)]);
    await settle();
    expect(await list('AL-NONE')).toEqual([]);
    const res = await t.request(`/api/v1/alarm-rules/${critical.id}`, {
      method: 'PATCH',
      token: await t.login('admin'),
      json: { enabled: true },
    });
    expect(res.status).toBe(200);
    await ingest('AL-NONE', [inlet('N1', t0 + 5000, 40)]);
    await settle();
    expect(await list('AL-NONE')).toEqual([
      expect.objectContaining({ severity: 'critical', ruleId: critical.id, threshold: 32 }),
    ]);
  });

  it('an alarm storm is capped: beyond ALARM_MAX_PER_RULE zones of a rule and site, one summary alarm groups the rest', async () => {
    await site('AL-FLOOD');
    const t0 = Date.now() + 60_000;
    const zones = ['Z0', 'Z1', 'Z2', 'Z3', 'Z4', 'Z5'];
    await ingest(
      'AL-FLOOD',
      zones.map((z) => inlet(z, t0, 28)),
    );
    await settle();
    let active = await list('AL-FLOOD', 'active');
    expect(active.map((a) => a.key).sort()).toEqual(['*', 'Z0', 'Z1', 'Z2']);
    const summary = active.find((a) => a.key === '*')!;
    expect(summary).toMatchObject({
      rule: 'inlet_temp',
      severity: 'warning',
      threshold: 3,
      message: expect.stringMatching(/^More than 3 inlet temperature alarms at AL-FLOOD/),
    });

    await ingest('AL-FLOOD', [inlet('Z3', t0 + 5000, 22), inlet('Z4', t0 + 5000, 22)]);
    await settle();
    expect((await list('AL-FLOOD', 'active')).map((a) => a.key).sort()).toEqual(['*', 'Z0', 'Z1', 'Z2']);
    await ingest('AL-FLOOD', [inlet('Z5', t0 + 10_000, 22), inlet('Z0', t0 + 10_000, 22)]);
    await settle();
    active = await list('AL-FLOOD', 'active');
    expect(active.map((a) => a.key).sort()).toEqual(['Z1', 'Z2']); // the grouped zones ended: the summary clears
    // A free slot: the next hot zone gets its own alarm again.
    await ingest('AL-FLOOD', [inlet('Z3', t0 + 15_000, 29)]);
    await settle();
    expect((await list('AL-FLOOD', 'active')).map((a) => a.key).sort()).toEqual(['Z1', 'Z2', 'Z3']);
    expect((await list('AL-FLOOD')).find((a) => a.id === summary.id)).toMatchObject({
      state: 'cleared',
      clearedEventTs: new Date(t0 + 10_000).toISOString(),
    });
  });

  it('ALARMS_ENABLED=0 evaluates nothing (the rules API still works)', async () => {
    const off = await bootTestApp(dialect, { ALARMS_ENABLED: '0' });
    try {
      await off.createSite('AL-OFF');
      const { token } = await off.createToken('AL-OFF');
      const res = await off.request('/api/v1/ingest', {
        method: 'POST',
        token,
        json: { samples: [inlet('F1', Date.now(), 40)] },
      });
      expect(res.status).toBe(200);
      await off.app.get(AlarmEngine).settle();
      const alarms = await off.request('/api/v1/alarms?state=all', { token: await off.login('operator') });
      expect(await alarms.json()).toEqual([]);
      expect((await off.request('/api/v1/alarm-rules', { token: await off.login('admin') })).status).toBe(
        200,
      );
    } finally {
      await off.close();
    }
  });
});

// Several API instances on one PostgreSQL database: each evaluates the batches it receives.
(process.env.TEST_DATABASE_URL ? describe : describe.skip)('alarms with two API instances (postgres)', () => {
  let c: Cluster;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    c = await bootCluster(2, {
      STALE_AFTER_S: '10',
      ALARM_EVAL_INTERVAL_MS: '200',
      ALARM_WEBHOOK_URL: `${receiver.url}/global`,
    });
  });
  afterAll(async () => {
    await c?.close();
    await receiver.stop();
  });

  const settleAll = () => Promise.all(c.instances.map((i) => i.app.get(AlarmEngine).settle()));
  const listAll = async (): Promise<AlarmInfo[]> => {
    const res = await fetch(`${c.instances[1]!.url}/api/v1/alarms?state=all&datacenter=AL-MULTI`, {
      headers: { authorization: `Bearer ${await c.login('operator')}` },
    });
    return (await res.json()) as AlarmInfo[];
  };
  const inlet = (ts: number, value: number) => ({
    samples: [{ metric: 'inlet_temp_c', labels: { zone: 'M1' }, ts, value }],
  });

  it('one alarm however many instances see the condition; any instance clears it; no false stale alarm', async () => {
    const token = await c.createSiteWithToken('AL-MULTI');
    const t0 = Date.now();
    expect((await c.ingest(0, token, inlet(t0, 29))).status).toBe(200);
    expect((await c.ingest(1, token, inlet(t0 + 5000, 29.5))).status).toBe(200); // instance 1 has not synced yet
    await settleAll();
    let alarms = await listAll();
    expect(alarms).toEqual([expect.objectContaining({ state: 'active', severity: 'warning', key: 'M1' })]);
    await until('instance 1 to know the alarm', async () => {
      await c.instances[1]!.app.get(AlarmEngine).tickNow();
      return c.instances[1]!.app.get(AlarmEngine).activeRecord(alarms[0]!.id);
    });
    expect((await c.ingest(1, token, inlet(t0 + 10_000, 22))).status).toBe(200);
    await settleAll();
    alarms = await listAll();
    expect(alarms).toEqual([expect.objectContaining({ state: 'cleared', clearedValue: 22 })]);
    await c.instances[0]!.app.get(AlarmWebhooks).drain();
    await c.instances[1]!.app.get(AlarmWebhooks).drain();
    expect(receiver.of('AL-MULTI').map((r) => r.body.event)).toEqual(['raised', 'cleared']);

    // Raised on instance 0 only; instance 1 learns it from the database and clears it with its own fresh data.
    const zone2 = (ts: number, value: number) => ({
      samples: [{ metric: 'inlet_temp_c', labels: { zone: 'M2' }, ts, value }],
    });
    expect((await c.ingest(1, token, zone2(t0 + 10_000, 22))).status).toBe(200);
    expect((await c.ingest(0, token, zone2(t0 + 15_000, 28))).status).toBe(200);
    await settleAll();
    const [m2] = (await listAll()).filter((a) => a.key === 'M2');
    expect(m2).toMatchObject({ state: 'active' });
    await c.instances[1]!.app.get(AlarmEngine).tickNow();
    expect(c.instances[1]!.app.get(AlarmEngine).activeRecord(m2!.id)).toBeDefined();
    expect((await c.ingest(1, token, zone2(t0 + 20_000, 22))).status).toBe(200);
    await settleAll();
    expect((await listAll()).filter((a) => a.key === 'M2')).toEqual([
      expect.objectContaining({ state: 'cleared', clearedValue: 22 }),
    ]);

    // Instance 0 only gets a backfill (its view says "silent for 15 s"), instance 1 gets fresh data.
    const now = Date.now();
    expect((await c.ingest(1, token, inlet(now, 22))).status).toBe(200);
    expect((await c.ingest(0, token, inlet(now - 15_000, 22))).status).toBe(200);
    await settleAll();
    for (const i of c.instances) await i.app.get(AlarmEngine).tickNow();
    await sleep(600);
    await settleAll();
    expect((await listAll()).filter((a) => a.rule === 'stale')).toEqual([]);
  });
});
