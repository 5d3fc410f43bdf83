/**
 * The README's Mosquitto bridge snippet, for real: a site's own Mosquitto forwards its gateways' messages to dcfleet's
 * built-in listener with the site's token, and carries the receipts back (docs/contract.md "MQTT").
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { MqttListener } from '../src/mqtt/mqtt.module';
import { rawSamples } from './support/db';
import { bootTestApp, type TestApp } from './support/harness';
import { describeWithBroker, startMosquitto, type Broker } from './support/mosquitto';
import { waitFor } from './support/wait';

const SITE = 'MB-01';
describeWithBroker('a site Mosquitto bridged to the listener on %s', (dialect) => {
  let t: TestApp;
  let siteBroker: Broker;
  let gateway: MqttClient;

  beforeAll(async () => {
    t = await bootTestApp(dialect, { MQTT_PORT: '0' });
    await t.createSite(SITE);
    const { token } = await t.createToken(SITE);
    siteBroker = await startMosquitto([
      'connection dcfleet',
      `address 127.0.0.1:${t.app.get(MqttListener).port}`,
      `remote_clientid ${SITE}-bridge-${dialect}`,
      `remote_username ${SITE}`,
      `remote_password ${token}`,
      'cleansession true',
      'notifications false',
      'try_private false',
      'topic dcfleet/v1/telemetry out 1',
      'topic dcfleet/v1/write/# out 1',
      'topic dcfleet/v1/receipts in 0',
    ]);
    gateway = await connectAsync(siteBroker.url, { reconnectPeriod: 0 });
  });
  afterAll(async () => {
    await gateway?.endAsync(true);
    await siteBroker?.stop();
    await t?.close();
  });

  it('stores what the gateway publishes locally and brings the receipt back', async () => {
    const receipts: { status: number; accepted: number }[] = [];
    gateway.on('message', (_t, m) =>
      receipts.push(JSON.parse(m.toString()) as { status: number; accepted: number }),
    );
    await gateway.subscribeAsync('dcfleet/v1/receipts');
    // The bridge connects on its own schedule: publish until the first receipt comes back.
    const body = (i: number) =>
      JSON.stringify({
        samples: [{ metric: 'it_power_kw', ts: Date.now() - 60_000 * (i + 1), value: 500 + i }],
      });
    let sent = 0;
    await waitFor('a receipt through the bridge', async () => {
      await gateway.publishAsync('dcfleet/v1/telemetry', body(sent++), { qos: 1 });
      await new Promise((r) => setTimeout(r, 200));
      return receipts.length > 0;
    });
    await gateway.publishAsync('dcfleet/v1/write/ms', `site facility_power_kw=1500 ${Date.now() - 30_000}`, {
      qos: 1,
    });
    await waitFor('the line-protocol sample', async () =>
      (await rawSamples(t)).some((s) => s.metric === 'facility_power_kw' && s.value === 1500),
    );
    expect(receipts[0]).toMatchObject({ status: 200, accepted: 1 });
    // Messages published before the bridge was up are lost by the site broker (QoS 1 to a bridge not yet connected
    // is queued only with cleansession false); every one after is stored once.
    const stored = (await rawSamples(t)).filter((s) => s.metric === 'it_power_kw');
    expect(stored.length).toBeGreaterThanOrEqual(1);
    expect(stored.length).toBeLessThanOrEqual(sent);
  });
});
