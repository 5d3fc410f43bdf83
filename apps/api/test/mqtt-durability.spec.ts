/**
 * "A PUBACK means durable" (docs/contract.md "MQTT"), at process level: an MQTT.js gateway publishes at QoS 1 to the
 * built API's listener with several messages in flight, the API is SIGKILLed mid-stream, and every acknowledged
 * message must be stored whole, every other one whole or absent.
 */
import { connectAsync } from 'mqtt';
import { freePort, requireBuiltApi, startApi, type ApiProcess } from './support/api-process';
import { openDirect, rawSamplesDirect } from './support/db';
import { ADMIN_PASSWORD, dialects, freshDatabase } from './support/harness';
import { waitFor } from './support/wait';

const SEC = 1000;
const SITE = 'MQD-01';
const PER_MESSAGE = 200;
const MESSAGES = 400;
const T0 = Math.floor((Date.now() - 6 * 3_600_000) / 60_000) * 60_000;
const valueOf = (k: number) => 100 + ((k * 31) % 900) + 0.5;

describe.each(dialects())('MQTT durability of the built API on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    requireBuiltApi();
    db = await freshDatabase(dialect);
  });
  afterAll(async () => {
    await api?.kill();
    await db.drop();
  });

  it('SIGKILL while a gateway publishes at QoS 1 loses no acknowledged sample', async () => {
    const mqttPort = await freePort();
    api = await startApi({
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      ADMIN_PASSWORD,
      ROLLUP_FLUSH_MS: '600000',
      MQTT_PORT: String(mqttPort),
    });
    const login = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const jwt = ((await login.json()) as { accessToken: string }).accessToken;
    const admin = { 'content-type': 'application/json', authorization: `Bearer ${jwt}` };
    const site = await fetch(`${api.url}/api/v1/datacenters`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ code: SITE, name: `Site ${SITE}` }),
    });
    expect(site.status).toBe(201);
    const created = await fetch(`${api.url}/api/v1/datacenters/${SITE}/tokens`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'gateway' }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };

    const gateway = await connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      protocolVersion: 5,
      username: 'gateway', // any: clients send a password only with a user name
      password: token,
      reconnectPeriod: 0,
    });
    const acked = new Set<number>();
    let killed = false;
    // 8 messages in flight at a time; the kill comes right after the 100th acknowledgement, with no await between.
    let next = 0;
    const worker = async () => {
      while (next < MESSAGES && !killed) {
        const m = next++;
        const body = {
          samples: Array.from({ length: PER_MESSAGE }, (_, i) => {
            const k = m * PER_MESSAGE + i;
            return { metric: 'it_power_kw', ts: T0 + k * SEC, value: valueOf(k) };
          }),
        };
        try {
          await gateway.publishAsync('dcfleet/v1/telemetry', JSON.stringify(body), { qos: 1 });
          acked.add(m);
          if (acked.size === 100 && !killed) {
            killed = true;
            api!.child.kill('SIGKILL');
          }
        } catch {
          return; // the connection died with the API
        }
      }
    };
    await Promise.race([
      Promise.all(Array.from({ length: 8 }, worker)),
      waitFor('the kill', () => killed, 60_000).then(() => api!.exited),
    ]);
    await api.exited;
    expect(api.child.signalCode).toBe('SIGKILL');
    gateway.end(true);
    expect(acked.size).toBeGreaterThanOrEqual(100);

    const byMessage = new Map<number, number>();
    const stored = new Map<number, number>();
    for (const s of await rawSamplesDirect(db.url)) {
      const k = (s.ts - T0) / SEC;
      stored.set(k, s.value);
      const m = Math.floor(k / PER_MESSAGE);
      byMessage.set(m, (byMessage.get(m) ?? 0) + 1);
    }
    for (const m of acked) {
      expect([m, byMessage.get(m) ?? 0]).toEqual([m, PER_MESSAGE]);
      for (let i = 0; i < PER_MESSAGE; i++)
        expect(stored.get(m * PER_MESSAGE + i)).toBe(valueOf(m * PER_MESSAGE + i));
    }
    // Unacknowledged messages are whole or absent: a batch is one transaction.
    for (const [m, n] of byMessage) expect([m, n]).toEqual([m, PER_MESSAGE]);
    const direct = await openDirect(db.url);
    const receipts = await direct.query<{ n: string | number }>('SELECT COUNT(*) AS n FROM receipts');
    await direct.close();
    expect(Number(receipts[0]!.n)).toBe(byMessage.size);
  }, 120_000);
});
