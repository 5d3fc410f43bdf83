import type { SparklinesResponse } from '@dcfleet/contracts';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const MINUTE = 60_000;

/**
 * GET /api/v1/datacenters/sparklines: every visible site's recent 1-minute averages in one answer (the fleet
 * tiles' trend lines; issue #18 item 6), from the rollups, in the caller's scope.
 */
describe.each(dialects())('fleet sparklines (GET /api/v1/datacenters/sparklines) on %s', (dialect) => {
  let t: TestApp;
  let northOperator: string;
  // Whole minutes: readings at 10, 9, … 1 minutes ago, two per minute (their average is the bucket's).
  const now = Date.now();
  const minuteAgo = (k: number) => now - (now % MINUTE) - k * MINUTE;
  /** Index in an answer's arrays of the minute k minutes ago. */
  const slot = (body: SparklinesResponse, k: number) => (minuteAgo(k) - Date.parse(body.from)) / MINUTE;

  async function get(path: string, token: string): Promise<Response> {
    return t.request(path, { token });
  }

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    const hub = await t.login('admin');
    for (const code of ['NORTH', 'SOUTH']) {
      const res = await t.request('/api/v1/organizations', {
        method: 'POST',
        token: hub,
        json: { code, name: code },
      });
      expect(res.status).toBe(201);
    }
    await t.createSite('SPK-N', { organization: 'NORTH' });
    await t.createSite('SPK-S', { organization: 'SOUTH' });
    await t.createSite('SPK-EMPTY', { organization: 'NORTH' });
    for (const [code, base] of [
      ['SPK-N', 1000],
      ['SPK-S', 2000],
    ] as const) {
      const token = (await t.createToken(code)).token;
      await t.ingestAll(
        token,
        Array.from({ length: 10 }, (_, i) => i + 1).flatMap((k) => [
          { metric: 'it_power_kw', ts: minuteAgo(k) + 1_000, value: base + k },
          { metric: 'it_power_kw', ts: minuteAgo(k) + 31_000, value: base + k + 2 },
          // A labelled series of the same metric: the tile's line is the unlabelled one.
          { metric: 'it_power_kw', ts: minuteAgo(k) + 1_000, value: 1, labels: { feed: 'A' } },
        ]),
      );
    }
    await t.flush();
    northOperator = await t.loginNew('north-op', 'operator', { organization: 'NORTH' });
  });
  afterAll(() => t?.close());

  it('answers every site with one average per minute, gaps as null, the last bucket the current minute', async () => {
    const res = await get(
      '/api/v1/datacenters/sparklines?metric=it_power_kw&minutes=30',
      await t.login('regulator'),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as SparklinesResponse;
    expect(body).toMatchObject({ metric: 'it_power_kw', unit: 'kW', step: '1m' });
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * MINUTE);
    // The current minute (a later one if the clock turned a minute since the readings were made).
    expect(Date.parse(body.to)).toBeGreaterThanOrEqual(minuteAgo(-1));
    expect(body.sites.map((s) => s.code).sort()).toEqual(['SPK-EMPTY', 'SPK-N', 'SPK-S']);
    const north = body.sites.find((s) => s.code === 'SPK-N')!.avg;
    expect(north).toHaveLength(30);
    for (let k = 1; k <= 10; k++) expect(north[slot(body, k)]).toBe(1000 + k + 1);
    expect(north.filter((v) => v !== null)).toHaveLength(10);
    expect(body.sites.find((s) => s.code === 'SPK-EMPTY')!.avg.every((v) => v === null)).toBe(true);
  });

  it('defaults to it_power_kw over the last 120 minutes', async () => {
    const res = await get('/api/v1/datacenters/sparklines', await t.login('operator'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as SparklinesResponse;
    expect(body.metric).toBe('it_power_kw');
    expect(body.sites.every((s) => s.avg.length === 120)).toBe(true);
    expect(body.sites.find((s) => s.code === 'SPK-S')!.avg[slot(body, 3)]).toBe(2000 + 3 + 1);
  });

  it("an organisation's member gets only its organisation's sites", async () => {
    const res = await get('/api/v1/datacenters/sparklines', northOperator);
    expect(res.status).toBe(200);
    const body = (await res.json()) as SparklinesResponse;
    expect(body.sites.map((s) => s.code).sort()).toEqual(['SPK-EMPTY', 'SPK-N']);
    expect(JSON.stringify(body)).not.toContain('SPK-S');
  });

  it.each([
    ['metric=nope', 'unknown metric "nope"'],
    ['metric=water_m3', 'is a counter'],
    ['minutes=4', 'minutes must be a whole number from 5 to 360'],
    ['minutes=361', 'minutes must be a whole number from 5 to 360'],
    ['minutes=1.5', 'minutes must be a whole number'],
    ['minutes=abc', 'minutes must be a whole number'],
    ['minutes=10&minutes=20', 'minutes must be a whole number'],
  ])('400 with the reason for %s', async (query, reason) => {
    const res = await get(`/api/v1/datacenters/sparklines?${query}`, await t.login('admin'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(reason);
  });

  it('needs a signed-in caller', async () => {
    expect((await t.request('/api/v1/datacenters/sparklines')).status).toBe(401);
  });
});
