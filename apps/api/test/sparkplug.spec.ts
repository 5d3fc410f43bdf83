/**
 * Sparkplug B (issue #17 item 3; docs/contract.md "Sparkplug B"), on each database: the mappings' admin API (validation,
 * uniqueness, roles and scope, audit) and SparkplugService as the MQTT transports call it, with payloads made by the
 * sparkplug-payload encoder: DATA stored through the ingest path with receipts, aliases from births, what is refused
 * (and that nothing of it is stored), and birth/death setting the site's status, on the API and the live feed.
 */
import type {
  AuditEntry,
  DataCenterWithSnapshot,
  FleetUpdate,
  SparkplugMappingInfo,
} from '@dcfleet/contracts';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload';
import { encodeSparkplug } from '../src/sparkplug/sparkplug-codec';
import { SparkplugService } from '../src/sparkplug/sparkplug.module';
import { rawSamples, rows } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { ok, RecordingClient } from './support/live-client';

const MAPPING = {
  datacenter: 'SPB-1',
  metrics: {
    'Power/Facility': { metric: 'facility_power_kw' },
    'Power/IT': { metric: 'it_power_kw' },
    'Inlet A1': { metric: 'inlet_temp_c', labels: { zone: 'A1' } },
  },
};

const payload = (metrics: Partial<UMetric>[], extra: Partial<UPayload> = {}): Buffer =>
  Buffer.from(
    encodeSparkplug({ timestamp: Date.now() - 1000, seq: 0, metrics: metrics as UMetric[], ...extra }),
  );

describe.each(dialects())('Sparkplug B on %s', (dialect) => {
  let t: TestApp;
  let spb: SparkplugService;
  let admin: string;
  let north: string;
  const siteId = new Map<string, number>();

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    admin = await t.login('admin');
    const org = await t.request('/api/v1/organizations', {
      method: 'POST',
      token: admin,
      json: { code: 'NORTH', name: 'North Cloud Co.' },
    });
    expect(org.status).toBe(201);
    await t.createSite('SPB-1');
    await t.createSite('SPB-2', { organization: 'NORTH' });
    await t.createSite('SPB-3');
    for (const r of await rows<{ id: number; code: string }>(t, 'SELECT id, code FROM sites'))
      siteId.set(r.code, Number(r.id));
    north = await t.loginNew('north-admin', 'admin', { organization: 'NORTH' });
    spb = t.app.get(SparkplugService);
  });
  afterAll(() => t?.close());

  const put = (path: string, body: unknown, token = admin) =>
    t.request(`/api/v1/sparkplug/mappings/${path}`, { method: 'PUT', token, json: body });
  const get = (path: string, token = admin) => t.request(`/api/v1/sparkplug/mappings/${path}`, { token });
  const del = (path: string, token = admin) =>
    t.request(`/api/v1/sparkplug/mappings/${path}`, { method: 'DELETE', token });
  const status = async (code: string) =>
    (
      (await (
        await t.request(`/api/v1/datacenters/${code}`, { token: admin })
      ).json()) as DataCenterWithSnapshot
    ).snapshot.status;
  const stored = async () => (await rawSamples(t)).length;
  const handle = (topic: string, body: Buffer, allowed: number | null = null) =>
    spb.handle(topic, body, allowed);

  describe('mappings API', () => {
    it('creates, reads, lists and replaces a mapping, audited', async () => {
      const res = await put('plant/gw-1', MAPPING);
      expect(res.status).toBe(200);
      const info = (await res.json()) as SparkplugMappingInfo;
      expect(info).toMatchObject({
        group: 'plant',
        edge: 'gw-1',
        device: null,
        ...MAPPING,
        updatedBy: 'admin',
      });
      expect(await (await get('plant/gw-1')).json()).toEqual(info);
      const again = await put('plant/gw-1', MAPPING);
      expect(again.status).toBe(200);
      const list = (await (
        await t.request('/api/v1/sparkplug/mappings', { token: admin })
      ).json()) as SparkplugMappingInfo[];
      expect(list.map((m) => `${m.group}/${m.edge}/${m.device}`)).toEqual(['plant/gw-1/null']);
      const audit = (await (
        await t.request('/api/v1/audit?limit=20', { token: admin })
      ).json()) as AuditEntry[];
      const puts = audit.filter((a) => a.action === 'sparkplug-mapping.put');
      expect(puts).toHaveLength(2);
      expect(puts[0]).toMatchObject({ actor: 'admin', target: 'plant/gw-1' });
      expect(puts[0]!.details).toMatchObject({
        datacenter: 'SPB-1',
        previousDatacenter: 'SPB-1',
      });
    });

    it('refuses invalid mappings with a reason (400) and stores nothing', async () => {
      const bad: [string, unknown, RegExp][] = [
        [
          'plant/gw-x',
          { datacenter: 'SPB-1', metrics: { a: { metric: 'pump_speed' } } },
          /metrics\.a\.metric/,
        ],
        [
          'plant/gw-x',
          { datacenter: 'SPB-1', metrics: { a: { metric: 'x_a', labels: { 'Bad Key': 'v' } } } },
          /label key .*Bad Key.* must match/,
        ],
        ['plant/gw-x', { datacenter: 'SPB-1', extra: 1 }, /extra/],
        ['plant/gw-x', { metrics: {} }, /datacenter/],
        ['plant/gw%2Bx', MAPPING, /edge node id/],
        ['STATE/gw-x', MAPPING, /STATE/],
      ];
      for (const [path, body, reason] of bad) {
        const res = await put(path, body);
        const text = await res.text();
        expect({ path, status: res.status, text }).toEqual({
          path,
          status: 400,
          text: expect.stringMatching(reason),
        });
      }
      expect((await put('plant/gw-x', { ...MAPPING, datacenter: 'NOPE-1' })).status).toBe(404);
      expect((await get('plant/gw-x')).status).toBe(404);
      expect(await rows(t, "SELECT id FROM sparkplug_mappings WHERE edge_id = 'gw-x'")).toEqual([]);
    });

    it('keeps one mapping per group, edge node and device: a key mapped outside the caller’s scope is taken (409)', async () => {
      const res = await put('plant/gw-1', { ...MAPPING, datacenter: 'SPB-2' }, north);
      expect(res.status).toBe(409);
      expect(((await (await get('plant/gw-1')).json()) as SparkplugMappingInfo).datacenter).toBe('SPB-1');
    });

    it('answers operators and regulators 403, and another organisation’s admin 404 for what it cannot see', async () => {
      for (const role of ['operator', 'regulator'] as const) {
        const token = await t.login(role);
        expect((await t.request('/api/v1/sparkplug/mappings', { token })).status).toBe(403);
        expect((await get('plant/gw-1', token)).status).toBe(403);
        expect((await put('plant/gw-9', MAPPING, token)).status).toBe(403);
        expect((await del('plant/gw-1', token)).status).toBe(403);
      }
      expect((await get('plant/gw-1', north)).status).toBe(404);
      expect((await del('plant/gw-1', north)).status).toBe(404);
      expect(await (await get('plant/gw-1', north)).text()).toMatch(/not found/);
      // Its own site is its to map; the hub's sites are not (404 like a site that does not exist).
      expect((await put('plant/gw-1/meter-9', { datacenter: 'SPB-2' }, north)).status).toBe(200);
      expect((await put('plant/gw-7', { datacenter: 'SPB-1' }, north)).status).toBe(404);
      const listed = (await (
        await t.request('/api/v1/sparkplug/mappings', { token: north })
      ).json()) as SparkplugMappingInfo[];
      expect(listed.map((m) => m.datacenter)).toEqual(['SPB-2']);
      expect((await get('plant/gw-1')).status).toBe(200);
    });

    it('deletes a mapping, audited', async () => {
      expect((await put('plant/gw-del', { datacenter: 'SPB-3' })).status).toBe(200);
      const res = await del('plant/gw-del');
      expect(res.status).toBe(200);
      expect((await get('plant/gw-del')).status).toBe(404);
      expect((await del('plant/gw-del')).status).toBe(404);
      const audit = (await (
        await t.request('/api/v1/audit?limit=5', { token: admin })
      ).json()) as AuditEntry[];
      expect(audit[0]).toMatchObject({ action: 'sparkplug-mapping.delete', target: 'plant/gw-del' });
    });
  });

  describe('messages', () => {
    it('stores NDATA through the ingest path: mapped and x_ metrics, per-metric reasons, a receipt', async () => {
      const before = await stored();
      const at = Date.now() - 5000;
      const out = await handle(
        'spBv1.0/plant/NDATA/gw-1',
        payload(
          [
            { name: 'Power/Facility', type: 'Float', value: 1300.5 },
            { name: 'Power/IT', type: 'Int64', value: 1000, timestamp: at - 1000 },
            { name: 'Inlet A1', type: 'Double', value: 24.25 },
            { name: 'Pump 3/Speed', type: 'UInt32', value: 3_000_000_000 },
            { name: 'Mode', type: 'String', value: 'auto' },
            { name: 'Chiller On', type: 'Boolean', value: true },
          ],
          { timestamp: at },
        ),
      );
      expect(out).toEqual({
        kind: 'stored',
        site: 'SPB-1',
        accepted: 5,
        rejected: [{ index: 4, reason: '"Mode": String value is not a number (strings are not stored)' }],
        receipt: expect.objectContaining({ id: expect.any(String), seq: 1 }),
      });
      const mine = (await rawSamples(t)).filter((s) => s.siteId === siteId.get('SPB-1'));
      expect(mine).toHaveLength(before + 5);
      const byMetric = Object.fromEntries(mine.map((s) => [s.metric, { ts: s.ts, value: s.value }]));
      expect(byMetric).toEqual({
        facility_power_kw: { ts: at, value: 1300.5 },
        it_power_kw: { ts: at - 1000, value: 1000 },
        inlet_temp_c: { ts: at, value: 24.25 },
        x_pump_3_speed: { ts: at, value: 3_000_000_000 },
        x_chiller_on: { ts: at, value: 1 },
      });
      const labels = await rows<{ metric: string; labels: string }>(
        t,
        `SELECT metric, labels FROM series WHERE site_id = ${siteId.get('SPB-1')} AND metric = 'inlet_temp_c'`,
      );
      expect(labels).toEqual([{ metric: 'inlet_temp_c', labels: '{"zone":"A1"}' }]);
      const [receipt] = await rows<{ token_id: string; accepted: number; rejected: number }>(
        t,
        `SELECT token_id, accepted, rejected FROM receipts WHERE site_id = ${siteId.get('SPB-1')}`,
      );
      const [mapping] = await rows<{ id: number }>(
        t,
        "SELECT id FROM sparkplug_mappings WHERE edge_id = 'gw-1' AND device_id = ''",
      );
      expect(receipt).toEqual({ token_id: `sparkplug:${mapping!.id}`, accepted: 5, rejected: 1 });
    });

    it('answers a redelivered message (same bytes, same topic) with its first receipt, storing nothing twice', async () => {
      const body = payload([{ name: 'Power/IT', type: 'Double', value: 1001 }]);
      const first = await handle('spBv1.0/plant/NDATA/gw-1', body);
      const receipts = await rows(t, 'SELECT id FROM receipts');
      const second = await handle('spBv1.0/plant/NDATA/gw-1', body);
      expect(second).toEqual(first);
      expect(await rows(t, 'SELECT id FROM receipts')).toHaveLength(receipts.length);
    });

    it('resolves alias-only metrics from the last birth, and refuses them before any birth with the reason', async () => {
      const before = await stored();
      const early = await handle(
        'spBv1.0/plant/DDATA/gw-1/rack-7',
        payload([{ alias: 3, type: 'Double', value: 22 }]),
      );
      expect(early).toEqual({
        kind: 'refused',
        reason: expect.stringContaining(
          'metric 0: alias 3 without a name, and no DBIRTH of plant/gw-1/rack-7 seen since dcfleet started: send a rebirth',
        ),
      });
      expect(await stored()).toBe(before);

      const birth = await handle(
        'spBv1.0/plant/DBIRTH/gw-1/rack-7',
        payload([
          { name: 'Inlet A1', alias: 3, type: 'Double', value: 21 },
          { name: 'Fan', alias: 4, type: 'Int32', value: 1200 },
        ]),
      );
      expect(birth).toEqual({ kind: 'state', site: 'SPB-1', online: true });
      // A birth carries the current values (report by exception may not send them again): stored too.
      const born = (await rawSamples(t)).filter((x) => x.value === 21 || x.value === 1200);
      expect(born.map((x) => x.metric).sort()).toEqual(['inlet_temp_c', 'x_fan']);
      const at = Date.now() - 2000;
      const data = await handle(
        'spBv1.0/plant/DDATA/gw-1/rack-7',
        payload(
          [
            { alias: 3, type: 'Double', value: 22.5 },
            { alias: 4, type: 'Int32', value: 1250 },
            { alias: 9, type: 'Int32', value: 1 },
          ],
          { timestamp: at },
        ),
      );
      expect(data).toMatchObject({
        kind: 'stored',
        site: 'SPB-1',
        accepted: 2,
        rejected: [{ index: 2, reason: 'alias 9 is not in the last DBIRTH of plant/gw-1/rack-7' }],
      });
      // Under the whole-edge mapping, the device's series carry its id.
      const series = await rows<{ metric: string; labels: string }>(
        t,
        `SELECT metric, labels FROM series WHERE labels LIKE '%rack-7%' ORDER BY metric`,
      );
      expect(series).toEqual([
        { metric: 'inlet_temp_c', labels: '{"device":"rack-7","zone":"A1"}' },
        { metric: 'x_fan', labels: '{"device":"rack-7"}' },
      ]);
    });

    it('sends a device with a mapping of its own to its site', async () => {
      const out = await handle(
        'spBv1.0/plant/DDATA/gw-1/meter-9',
        payload([{ name: 'kW', type: 'Double', value: 7 }]),
      );
      expect(out).toMatchObject({ kind: 'stored', site: 'SPB-2', accepted: 1 });
    });

    it('refuses bad payloads, unmapped edge nodes, other sites’ publishers and messages with no valid metric, storing nothing', async () => {
      const before = await stored();
      const receipts = (await rows(t, 'SELECT id FROM receipts')).length;
      const cases: [string, Buffer, number | null, RegExp][] = [
        [
          'spBv1.0/plant/NDATA/gw-1',
          Buffer.from('not protobuf at all, just text'),
          null,
          /not a Sparkplug B protobuf/,
        ],
        [
          'spBv1.0/plant/NDATA/gw-404',
          payload([{ name: 'a', type: 'Double', value: 1 }]),
          null,
          /no Sparkplug mapping for plant\/gw-404/,
        ],
        [
          'spBv1.0/plant/NDATA/gw-1',
          payload([{ name: 'Power/IT', type: 'Double', value: 1 }]),
          siteId.get('SPB-3')!,
          /plant\/gw-1 is mapped to SPB-1, not this token's site/,
        ],
        [
          'spBv1.0/plant/NDATA/gw-1',
          payload([
            { name: 'Mode', type: 'String', value: 'auto' },
            { name: 'Power/IT', type: 'Double', value: -5 },
          ]),
          null,
          /no valid metric in the message: metric 0: "Mode": String value.*; metric 1: value -5 of it_power_kw outside/,
        ],
        ['spBv1.0/plant/NDATA/gw-1/extra', payload([]), null, /NDATA topic must be/],
      ];
      for (const [topic, body, allowed, reason] of cases) {
        const out = await handle(topic, body, allowed);
        expect({ topic, out }).toEqual({
          topic,
          out: { kind: 'refused', reason: expect.stringMatching(reason) },
        });
      }
      expect(await stored()).toBe(before);
      expect(await rows(t, 'SELECT id FROM receipts')).toHaveLength(receipts);
      // The built-in listener's token of the mapped site may publish.
      const own = await handle(
        'spBv1.0/plant/NDATA/gw-1',
        payload([{ name: 'Power/IT', type: 'Double', value: 999 }]),
        siteId.get('SPB-1')!,
      );
      expect(own.kind).toBe('stored');
    });

    it('ignores commands, host state and (when the caller says so) unmapped topics', async () => {
      const body = payload([{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }]);
      const kinds = async (...args: Parameters<SparkplugService['handle']>) =>
        (await spb.handle(...args)).kind;
      expect(await kinds('spBv1.0/plant/NCMD/gw-1', body, null)).toBe('ignored');
      expect(await kinds('spBv1.0/plant/DCMD/gw-1/rack-7', body, null)).toBe('ignored');
      expect(await kinds('spBv1.0/STATE/scada-host', Buffer.from('{"online":true}'), null)).toBe('ignored');
      expect(await spb.handle('spBv1.0/other/NDATA/gw-1', body, null, { unmapped: 'ignore' })).toEqual({
        kind: 'ignored',
        reason: 'no Sparkplug mapping for other/gw-1',
      });
    });

    it('NDEATH takes the edge node’s sites offline at once, a stale one is ignored, and data or a birth brings them back (live too)', async () => {
      const live = await new RecordingClient(t.url, admin).connect();
      try {
        ok(await live.subscribe({ scope: 'fleet' }));
        const statusIn = (code: string) => () =>
          (live.received['fleet:update'] as FleetUpdate[]).at(-1)?.sites.find((s) => s.code === code)?.status;
        expect(await status('SPB-1')).toBe('online');
        const born = await handle(
          'spBv1.0/plant/NBIRTH/gw-1',
          payload([
            { name: 'bdSeq', type: 'Int64', value: 4 },
            { name: 'Power/IT', alias: 1, type: 'Double', value: 1000 },
          ]),
        );
        expect(born).toEqual({ kind: 'state', site: 'SPB-1', online: true });
        // Its value was stored; bdSeq (a control metric) was not, and is no rejection either.
        expect(
          (await rawSamples(t)).filter((x) => x.metric === 'it_power_kw' && x.value === 1000).length,
        ).toBe(2);
        expect((await rawSamples(t)).filter((x) => /bdseq/.test(x.metric))).toEqual([]);
        const [last] = await rows<{ rejected: number }>(
          t,
          'SELECT rejected FROM receipts ORDER BY id DESC LIMIT 1',
        );
        expect(Number(last!.rejected)).toBe(0);

        // An older session's will (bdSeq 3) arriving after the new birth changes nothing.
        const stale = await handle(
          'spBv1.0/plant/NDEATH/gw-1',
          payload([{ name: 'bdSeq', type: 'Int64', value: 3 }]),
        );
        expect(stale).toEqual({
          kind: 'ignored',
          reason: expect.stringMatching(/bdSeq 3 is not the current session's \(4\)/),
        });
        expect(await status('SPB-1')).toBe('online');

        const death = await handle(
          'spBv1.0/plant/NDEATH/gw-1',
          payload([{ name: 'bdSeq', type: 'Int64', value: 4 }]),
        );
        expect(death).toEqual({ kind: 'state', site: 'SPB-1', online: false });
        expect(await status('SPB-1')).toBe('offline');
        expect(await status('SPB-2')).toBe('offline'); // meter-9's site: a device of the dead node
        await live.until(() => statusIn('SPB-1')() === 'offline', 5000, 'fleet:update with SPB-1 offline');

        // Data after the death (alias from the last NBIRTH) brings it back.
        const data = await handle(
          'spBv1.0/plant/NDATA/gw-1',
          payload([{ alias: 1, type: 'Double', value: 1010 }]),
        );
        expect(data).toMatchObject({ kind: 'stored', accepted: 1 });
        expect(await status('SPB-1')).toBe('online');
        await live.until(() => statusIn('SPB-1')() === 'online', 5000, 'fleet:update with SPB-1 online');

        // A device's death and birth set its own site only.
        expect(await handle('spBv1.0/plant/DBIRTH/gw-1/meter-9', payload([]))).toEqual({
          kind: 'state',
          site: 'SPB-2',
          online: true,
        });
        expect(await status('SPB-2')).toBe('online');
        expect(await handle('spBv1.0/plant/DDEATH/gw-1/meter-9', payload([]))).toEqual({
          kind: 'state',
          site: 'SPB-2',
          online: false,
        });
        expect(await status('SPB-2')).toBe('offline');
        expect(await status('SPB-1')).toBe('online');
      } finally {
        live.close();
      }
    });
  });
});
