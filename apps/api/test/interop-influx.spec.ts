/**
 * A client nobody here wrote: the `influx` npm client (node-influx, InfluxDB 1.x) writing line protocol through
 * POST /api/v1/write unchanged — its URL building, basic-auth credentials, escaping, precisions and integer fields —
 * and learning of refused points from the error it throws. On SQLite and PostgreSQL.
 */
import { FieldType, InfluxDB, type IPoint } from 'influx';
import { rawSamples, rows } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const SITE = 'IX-01';
const MIN = 60_000;

describe.each(dialects())('influx npm client → POST /api/v1/write on %s', (dialect) => {
  let t: TestApp;
  let influx: InfluxDB;
  const base = Math.floor((Date.now() - 3_600_000) / MIN) * MIN;

  /** Stored samples from `from` on, as `metric{labels}=value@ms`, sorted. */
  async function stored(from: number): Promise<string[]> {
    const series = await rows<{ id: number | string; labels: string }>(t, 'SELECT id, labels FROM series');
    const labelsOf = new Map(series.map((s) => [Number(s.id), s.labels]));
    return (await rawSamples(t))
      .filter((s) => s.ts >= from)
      .map((s) => `${s.metric}${labelsOf.get(s.seriesId)}=${s.value}@${s.ts - base}`)
      .sort();
  }

  beforeAll(async () => {
    t = await bootTestApp(dialect);
    await t.createSite(SITE);
    const { token } = await t.createToken(SITE);
    const url = new URL(t.url);
    // The client appends /write to `path`, as Telegraf does to its URL: dcfleet's route is /api/v1/write. It sends
    // username:password as basic auth; the password is the site's ingest token.
    influx = new InfluxDB({
      host: url.hostname,
      port: Number(url.port),
      protocol: 'http',
      path: '/api/v1',
      database: 'telemetry',
      username: 'gateway',
      password: token,
      schema: [
        {
          measurement: 'x_rack',
          fields: { occupied: FieldType.INTEGER, door_open: FieldType.BOOLEAN },
          tags: ['row'],
        },
      ],
    });
  });
  afterAll(() => t?.close());

  it('writes points with tags, catalog fields, custom measurements and integer fields at every precision', async () => {
    await influx.writePoints([
      {
        measurement: 'power',
        tags: { feed: 'A' },
        fields: { facility_power_kw: 1200.5, it_power_kw: 950 },
        timestamp: new Date(base),
      },
      {
        measurement: 'env',
        tags: { zone: 'Hall 1/A' },
        fields: { inlet_temp_c: 24.25 },
        timestamp: new Date(base),
      },
    ]);
    await influx.writePoints(
      [
        {
          measurement: 'x_chiller',
          tags: { unit: 'CH-1' },
          fields: { supply_c: 7.5 },
          timestamp: (base + MIN) / 1000,
        },
      ],
      { precision: 's' },
    );
    await influx.writePoints(
      [{ measurement: 'x_rack', tags: { row: 'R1' }, fields: { occupied: 42 }, timestamp: base + 2 * MIN }],
      { precision: 'ms' },
    );
    expect(await stored(base)).toEqual([
      'facility_power_kw{"feed":"A"}=1200.5@0',
      'inlet_temp_c{"zone":"Hall 1/A"}=24.25@0',
      'it_power_kw{"feed":"A"}=950@0',
      `x_chiller_supply_c{"unit":"CH-1"}=7.5@${MIN}`,
      `x_rack_occupied{"row":"R1"}=42@${2 * MIN}`,
    ]);
  });

  it('reports refused points back to the client as an error naming them; a partial write keeps the valid ones', async () => {
    const at = base + 10 * MIN;
    const points: IPoint[] = [
      { measurement: 'ups', fields: { ups_load_pct: 55 }, timestamp: new Date(at) },
      { measurement: 'cpu', fields: { usage_idle: 1 }, timestamp: new Date(at) },
      { measurement: 'ups', fields: { ups_load_pct: 400 }, timestamp: new Date(at + MIN) },
    ];
    await expect(influx.writePoints(points)).rejects.toThrow(
      /400 Bad Request.*partial write: line 2: unknown metric \\?"cpu_usage_idle\\?".*line 3: value 400 of ups_load_pct outside/,
    );
    expect(await stored(at)).toEqual([`ups_load_pct=55@${10 * MIN}`]);

    // Nothing valid: the same error, nothing stored.
    await expect(
      influx.writePoints([
        { measurement: 'cpu', fields: { usage_idle: 2 }, timestamp: new Date(at + 2 * MIN) },
      ]),
    ).rejects.toThrow(/400 Bad Request.*line 1: unknown metric \\?"cpu_usage_idle\\?"/);
    // A boolean field is not a number: named, and the point's numeric fields in the same line still count.
    await expect(
      influx.writePoints([
        {
          measurement: 'x_rack',
          tags: { row: 'R2' },
          fields: { occupied: 7, door_open: true },
          timestamp: new Date(at + 3 * MIN),
        },
      ]),
    ).rejects.toThrow(/line 1: field \\?"door_open\\?" is not numeric/);
    expect(await stored(at)).toEqual([
      `ups_load_pct=55@${10 * MIN}`,
      `x_rack_occupied{"row":"R2"}=7@${13 * MIN}`,
    ]);
  });

  it('a wrong password (token) is refused with 401 and stores nothing', async () => {
    const url = new URL(t.url);
    const wrong = new InfluxDB({
      host: url.hostname,
      port: Number(url.port),
      path: '/api/v1',
      database: 'telemetry',
      username: 'gateway',
      password: 'dcf_notatokennotatokennotatoken',
    });
    const before = (await rawSamples(t)).length;
    await expect(
      wrong.writePoints([
        { measurement: 'ups', fields: { ups_load_pct: 1 }, timestamp: new Date(base + 20 * MIN) },
      ]),
    ).rejects.toThrow(/401/);
    expect((await rawSamples(t)).length).toBe(before);
  });
});
