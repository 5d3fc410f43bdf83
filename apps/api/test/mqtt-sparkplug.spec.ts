/**
 * Sparkplug B over both MQTT transports (docs/contract.md "MQTT", "Sparkplug B"): an MQTT.js edge node on the built-in
 * listener with its site's token (birth, data, a refused foreign site, its NDEATH will on a lost connection), and
 * the same edge node's data through a real Mosquitto that the bridge subscribes to.
 */
import type { DataCenterWithSnapshot } from '@dcfleet/contracts';
import { connectAsync, type MqttClient } from 'mqtt';
import type { UMetric } from 'sparkplug-payload/lib/sparkplugbpayload';
import { MqttListener } from '../src/mqtt/mqtt.module';
import { MetricsService } from '../src/platform/observability/metrics.service';
import { encodeSparkplug } from '../src/sparkplug/sparkplug-codec';
import { rawSamples } from './support/db';
import { bootTestAppOn, freshDatabase, type TestApp } from './support/harness';
import { describeWithBroker, startMosquitto, type Broker } from './support/mosquitto';
import { waitFor } from './support/wait';

const SITE = 'SPM-1';
const payload = (metrics: Partial<UMetric>[]) =>
  Buffer.from(encodeSparkplug({ timestamp: Date.now() - 1000, seq: 0, metrics: metrics as UMetric[] }));

/** NBIRTH of gw-1: its session's bdSeq and Power/IT (alias 7), at QoS 1. */
const birth = (c: MqttClient, bdSeq: number, it: number) =>
  c.publishAsync(
    'spBv1.0/plant/NBIRTH/gw-1',
    payload([
      { name: 'bdSeq', type: 'Int64', value: bdSeq },
      { name: 'Power/IT', type: 'Double', value: it, alias: 7 },
    ]),
    { qos: 1 },
  );

describeWithBroker('Sparkplug B over MQTT on %s', (dialect) => {
  let broker: Broker;
  let t: TestApp;
  let token: string;
  let otherToken: string;
  const clients: MqttClient[] = [];
  const edge = (password: string, extra: Parameters<typeof connectAsync>[1] = {}) =>
    connectAsync(`mqtt://127.0.0.1:${t.app.get(MqttListener).port}`, {
      protocolVersion: 5,
      username: 'edge',
      password,
      reconnectPeriod: 0,
      ...extra,
    }).then((c) => (clients.push(c), c));
  const stored = async (metric: string) => (await rawSamples(t)).filter((s) => s.metric === metric);
  const status = async () =>
    (
      (await (
        await t.request(`/api/v1/datacenters/${SITE}`, { token: await t.login('admin') })
      ).json()) as DataCenterWithSnapshot
    ).snapshot.status;

  beforeAll(async () => {
    broker = await startMosquitto();
    t = await bootTestAppOn(dialect, await freshDatabase(dialect), {
      MQTT_PORT: '0',
      MQTT_URL: broker.url,
      MQTT_CLIENT_ID: `dcfleet-spb-${dialect}`,
    });
    await t.createSite(SITE);
    await t.createSite('SPM-2');
    token = (await t.createToken(SITE)).token;
    otherToken = (await t.createToken('SPM-2')).token;
    const res = await t.request('/api/v1/sparkplug/mappings/plant/gw-1', {
      method: 'PUT',
      token: await t.login('admin'),
      json: { datacenter: SITE, metrics: { 'Power/IT': { metric: 'it_power_kw' } } },
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    await t?.close();
    await broker?.stop();
  });

  it('listener: NBIRTH and NDATA from the site’s token are stored (PUBACK after the commit)', async () => {
    const c = await edge(token);
    await birth(c, 0, 800);
    await c.publishAsync('spBv1.0/plant/NDATA/gw-1', payload([{ alias: 7, type: 'Double', value: 812.5 }]), {
      qos: 1,
    });
    expect((await stored('it_power_kw')).map((s) => s.value).sort()).toEqual([800, 812.5]);
    expect(await status()).toBe('online');
  });

  it('listener: another site’s token cannot publish for this edge node (refused, nothing stored)', async () => {
    const c = await edge(otherToken);
    const before = (await rawSamples(t)).length;
    const code = await c
      .publishAsync('spBv1.0/plant/NDATA/gw-1', payload([{ name: 'Power/IT', type: 'Double', value: 1 }]), {
        qos: 1,
      })
      .then(
        () => 0,
        (err: { code?: number }) => err.code,
      );
    expect(code).toBe(0x99);
    expect((await rawSamples(t)).length).toBe(before);
  });

  it('listener: the NDEATH will takes the site offline when the edge node’s connection is lost', async () => {
    const c = await edge(token, {
      will: {
        topic: 'spBv1.0/plant/NDEATH/gw-1',
        payload: payload([{ name: 'bdSeq', type: 'Int64', value: 1 }]),
        qos: 1,
        retain: false,
      },
    });
    await birth(c, 1, 820);
    expect(await status()).toBe('online');
    c.stream.destroy(); // no DISCONNECT: the will is due
    await waitFor('the site to go offline', async () => (await status()) === 'offline');
  });

  it('bridge: NDATA published to Mosquitto is stored at the mapped site', async () => {
    await waitFor('the bridge to subscribe', async () =>
      (await t.app.get(MetricsService).registry.getSingleMetricAsString('dcfleet_mqtt_connections')).includes(
        'transport="bridge"} 1',
      ),
    );
    const gw = await connectAsync(broker.url, { reconnectPeriod: 0 });
    clients.push(gw);
    await gw.publishAsync(
      'spBv1.0/plant/NDATA/gw-1',
      payload([{ name: 'Power/IT', type: 'Double', value: 901.25 }]),
      { qos: 1 },
    );
    await waitFor('the bridged sample', async () =>
      (await stored('it_power_kw')).some((s) => s.value === 901.25),
    );
  });
});
