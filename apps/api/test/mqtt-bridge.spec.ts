import { connectAsync, type MqttClient } from 'mqtt';
import { MetricsService } from '../src/platform/observability/metrics.service';
import { rawSamples, refuseInserts } from './support/db';
import { bootTestAppOn, freshDatabase, type TestApp } from './support/harness';
import { describeWithBroker, startMosquitto, type Broker } from './support/mosquitto';
import { waitFor } from './support/wait';

const MIN = 60_000;
const SITE = 'BR-01';

describeWithBroker('MQTT bridge from a real Mosquitto on %s', (dialect) => {
  let broker: Broker;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  let gateway: MqttClient;
  const base = Math.floor((Date.now() - 3 * 3_600_000) / MIN) * MIN;
  const env = () => ({ MQTT_URL: broker.url, MQTT_CLIENT_ID: `dcfleet-test-${dialect}` });
  const stored = async (metric: string) => (await rawSamples(t)).filter((s) => s.metric === metric);
  const json = (metric: string, n: number, from = base) =>
    JSON.stringify({
      samples: Array.from({ length: n }, (_, i) => ({ metric, ts: from + i * MIN, value: i + 1 })),
    });
  const bridgeConnected = async () =>
    (await t.app.get(MetricsService).registry.getSingleMetricAsString('dcfleet_mqtt_connections')).includes(
      'transport="bridge"} 1',
    );

  beforeAll(async () => {
    broker = await startMosquitto();
    db = await freshDatabase(dialect);
    t = await bootTestAppOn(dialect, db, env());
    await t.createSite(SITE);
    await waitFor('the bridge to subscribe', bridgeConnected);
    gateway = await connectAsync(broker.url, { clientId: `gw-${dialect}`, reconnectPeriod: 0 });
  });
  afterAll(async () => {
    await gateway?.endAsync(true);
    await t?.close();
    await broker?.stop();
  });

  it('stores QoS 1 JSON and line protocol from dcfleet/<site>/telemetry and publishes receipts', async () => {
    const receipts: { status: number; accepted?: number }[] = [];
    const watcher = await connectAsync(broker.url, { reconnectPeriod: 0 });
    watcher.on('message', (_t, m) => receipts.push(JSON.parse(m.toString()) as { status: number }));
    await watcher.subscribeAsync(`dcfleet/${SITE}/receipts`);
    await gateway.publishAsync(`dcfleet/${SITE}/telemetry`, json('it_power_kw', 4), { qos: 1 });
    await gateway.publishAsync(
      `dcfleet/${SITE}/telemetry`,
      `site facility_power_kw=1200 ${base * 1e6}\nsite facility_power_kw=1210 ${(base + MIN) * 1e6}`,
      { qos: 1 },
    );
    await waitFor('both receipts', () => receipts.length === 2);
    expect(receipts.map((r) => [r.status, r.accepted])).toEqual([
      [200, 4],
      [200, 2],
    ]);
    expect((await stored('it_power_kw')).length).toBe(4);
    expect((await stored('facility_power_kw')).map((s) => s.value)).toEqual([1200, 1210]);
    await watcher.endAsync();
  });

  it('refuses and counts a topic naming no registered site, storing nothing', async () => {
    const before = (await rawSamples(t)).length;
    const receipts: { status: number; error: string }[] = [];
    const watcher = await connectAsync(broker.url, { reconnectPeriod: 0 });
    watcher.on('message', (_t, m) =>
      receipts.push(JSON.parse(m.toString()) as { status: number; error: string }),
    );
    await watcher.subscribeAsync('dcfleet/NOPE-9/receipts');
    await gateway.publishAsync('dcfleet/NOPE-9/telemetry', json('it_power_kw', 1), { qos: 1 });
    await waitFor('the refusal', () => receipts.length === 1);
    expect(receipts[0]).toMatchObject({ status: 404, error: 'unknown site NOPE-9 in topic' });
    expect((await rawSamples(t)).length).toBe(before);
    const counted = await t.app
      .get(MetricsService)
      .registry.getSingleMetricAsString('dcfleet_mqtt_messages_total');
    expect(counted).toMatch(/transport="bridge",qos="1",outcome="refused"} 1/);
    await watcher.endAsync();
  });

  it('acknowledges only after the commit: a failing store holds the message until it succeeds', async () => {
    const restore = await refuseInserts(t, 'raw_batches');
    await gateway.publishAsync(`dcfleet/${SITE}/telemetry`, json('x_probe', 3), { qos: 1 });
    await new Promise((r) => setTimeout(r, 800));
    expect(await stored('x_probe')).toHaveLength(0);
    await restore();
    await waitFor('the held message', async () => (await stored('x_probe')).length === 3);
  });

  it('loses nothing the broker held while dcfleet was down (persistent session, PUBACK after commit)', async () => {
    await t.app.close();
    // Published while no dcfleet runs: the broker queues them for the bridge's session.
    for (let i = 0; i < 5; i++)
      await gateway.publishAsync(
        `dcfleet/${SITE}/telemetry`,
        json('cooling_power_kw', 10, base + i * 10 * MIN),
        {
          qos: 1,
        },
      );
    t = await bootTestAppOn(dialect, db, env());
    await waitFor('the queued messages', async () => (await stored('cooling_power_kw')).length === 50);
  });
});
