import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlarmInfo, AlarmWebhookPayload } from '@dcfleet/contracts';
import type { AppConfig } from '../platform/config/app-config';
import { MetricsService } from '../platform/observability/metrics.service';
import { AlarmWebhooks, WEBHOOK_MAX_ATTEMPTS, isWebhookUrl } from './alarm-webhooks';
import { AlarmMetrics } from './alarm.metrics';

const alarm = (id: number): AlarmInfo => ({
  id,
  datacenter: 'GZ-01',
  rule: 'inlet_temp',
  severity: 'warning',
  state: 'active',
  message: 'hot',
  raisedAt: new Date(0).toISOString(),
  clearedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  note: null,
});

describe('AlarmWebhooks', () => {
  let server: Server;
  let url: string;
  let handler: (body: AlarmWebhookPayload) => Promise<number>;
  const got: AlarmWebhookPayload[] = [];
  let hooks: AlarmWebhooks;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(text) as AlarmWebhookPayload;
        got.push(body);
        void handler(body).then((status) => {
          res.statusCode = status;
          res.end();
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    got.length = 0;
    const config = {
      env: { ALARM_WEBHOOK_URL: url, ALARM_WEBHOOK_QUEUE: 3, ALARM_WEBHOOK_RETRY_MS: 10 },
    } as unknown as AppConfig;
    hooks = new AlarmWebhooks(config, new AlarmMetrics(new MetricsService()));
  });
  afterEach(() => hooks.onApplicationShutdown());

  it('accepts only absolute http(s) URLs', () => {
    expect(isWebhookUrl('https://hooks.example.com/x?token=1')).toBe(true);
    expect(isWebhookUrl('http://10.0.0.1:8080/')).toBe(true);
    expect(
      ['ftp://example.com', 'file:///etc/passwd', '/relative', 'javascript:alert(1)', ''].map(isWebhookUrl),
    ).toEqual([false, false, false, false, false]);
  });

  it('keeps the queue bounded: the oldest waiting delivery is dropped, the one on the wire is not', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    handler = async (b) => {
      if (b.alarm.id === 1) await gate;
      return 204;
    };
    for (let id = 1; id <= 6; id++) hooks.notify('raised', alarm(id), null);
    expect(hooks.pending).toBe(3); // the bound counts the one on the wire: 1 + 5, 6 (2, 3, 4 dropped)
    release();
    await hooks.drain();
    expect(got.map((b) => b.alarm.id)).toEqual([1, 5, 6]);
  });

  it('retries with backoff in order per endpoint, and gives up after the last attempt', async () => {
    handler = async (b) => (b.alarm.id === 1 && got.filter((g) => g.alarm.id === 1).length < 3 ? 500 : 204);
    hooks.notify('raised', alarm(1), null);
    hooks.notify('cleared', alarm(1), null);
    await hooks.drain();
    expect(got.map((b) => `${b.event}:${b.alarm.id}`)).toEqual([
      'raised:1',
      'raised:1',
      'raised:1',
      'cleared:1',
    ]);

    got.length = 0;
    handler = async () => 503;
    hooks.notify('raised', alarm(2), null);
    await hooks.drain();
    expect(got).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
    expect(hooks.pending).toBe(0);
  });
});
