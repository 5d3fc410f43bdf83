/**
 * Telemetry storage v2 end to end on each database (docs/architecture.md, "Raw storage" and "Retention"): batches
 * compacted into chunks, an overwrite inside a compacted chunk, late data older than the raw retention, and
 * retention removing raw samples and minutes while hours stay.
 */
import type { SeriesResponse } from '@dcfleet/contracts';
import { RawMaintenanceService } from '../src/telemetry/raw-maintenance.service';
import { count, rawSamples, rows } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe.each(dialects())('raw storage on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  let admin: string;
  const now = Date.now();
  // An hour window closed long ago (compactable) and a day within the raw retention of 30 days.
  const w = Math.floor((now - 5 * HOUR) / HOUR) * HOUR;
  const old = Math.floor((now - 40 * DAY) / HOUR) * HOUR;

  const post = (samples: unknown[]) =>
    t.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ samples }),
    });
  const points = async (metric: string, step: string, from: number, to: number) => {
    const res = await t.request(
      `/api/v1/datacenters/GZ-RAW-01/series?metric=${metric}&step=${step}&from=${from}&to=${to}`,
      { token: admin },
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as SeriesResponse).series[0]?.points ?? [];
  };
  const settle = () => t.app.get(RawMaintenanceService).settle();
  const raw = async (metric: string) =>
    (await rawSamples(t)).filter((s) => s.metric === metric).map((s) => [s.ts, s.value]);

  beforeAll(async () => {
    t = await bootTestApp(dialect, { RAW_RETENTION_DAYS: '30', ROLLUP_1M_RETENTION_DAYS: '30' });
    await t.createSite('GZ-RAW-01');
    token = (await t.createToken('GZ-RAW-01')).token;
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  it('compacts closed windows into chunks, and an overwrite inside a chunk wins there and in the rollups', async () => {
    const samples = [0, 10, 20, 30].map((s) => ({ metric: 'it_power_kw', ts: w + s * 1000, value: 100 + s }));
    expect((await post(samples)).status).toBe(200);
    await t.flush();
    await settle();
    expect(await count(t, 'SELECT COUNT(*) AS n FROM raw_batches')).toBe(0);
    expect(await count(t, 'SELECT COUNT(*) AS n FROM raw_chunks')).toBe(1);
    expect(await raw('it_power_kw')).toEqual(samples.map((s) => [s.ts, s.value]));

    // A correction of the second sample, then an identical resend of the third.
    expect((await post([{ metric: 'it_power_kw', ts: w + 10_000, value: 150 }])).status).toBe(200);
    expect((await post([{ metric: 'it_power_kw', ts: w + 20_000, value: 120 }])).status).toBe(200);
    await t.flush();
    const expected = [
      [w, 100],
      [w + 10_000, 150],
      [w + 20_000, 120],
      [w + 30_000, 130],
    ];
    expect(await raw('it_power_kw')).toEqual(expected); // batch over chunk
    await settle();
    expect(await count(t, 'SELECT COUNT(*) AS n FROM raw_chunks')).toBe(1); // the chunk was rewritten
    expect(await raw('it_power_kw')).toEqual(expected);
    const [minute] = await points('it_power_kw', '1m', w, w + MIN);
    expect(minute).toMatchObject({ avg: (100 + 150 + 120 + 130) / 4, min: 100, max: 150 });
  });

  it('takes a late sample older than the raw retention into an empty hour, and after what its hour holds', async () => {
    const first = await post([{ metric: 'ups_load_pct', ts: old + 20 * MIN, value: 40 }]);
    expect(first.status).toBe(200);
    await t.flush();
    expect((await post([{ metric: 'ups_load_pct', ts: old + 30 * MIN, value: 50 }])).status).toBe(200);
    await t.flush();
    const [hour] = await points('ups_load_pct', '1h', old, old + HOUR);
    expect(hour).toMatchObject({ avg: 45, min: 40, max: 50 });
  });

  it('refuses, whole and with a reason, a batch with a sample older than the raw retention inside data its hour holds', async () => {
    const receipts = await count(t, 'SELECT COUNT(*) AS n FROM receipts');
    const res = await post([
      { metric: 'ups_load_pct', ts: now - MIN, value: 41 }, // fine on its own: nothing of the batch is stored
      { metric: 'ups_load_pct', ts: old + 25 * MIN, value: 99 }, // between the hour's two samples
    ]);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /1 sample\(s\) are older than the raw retention \(30 days\).*ups_load_pct at /,
    );
    expect(await count(t, 'SELECT COUNT(*) AS n FROM receipts')).toBe(receipts);
    const [hour] = await points('ups_load_pct', '1h', old, old + HOUR);
    expect(hour).toMatchObject({ avg: 45, min: 40, max: 50 });
  });

  it('retention removes raw samples and minutes beyond their days; hours stay and still serve the chart', async () => {
    await settle(); // compacts the old batches, then expires their chunks and minutes
    expect((await raw('ups_load_pct')).length).toBe(0);
    expect(await count(t, `SELECT COUNT(*) AS n FROM rollup_1m WHERE bucket < ${now - 30 * DAY}`)).toBe(0);
    const [hour] = await points('ups_load_pct', '1h', old, old + HOUR);
    expect(hour).toMatchObject({ avg: 45, min: 40, max: 50 });
    // A short range that far back is served hourly; asking for minutes says why not.
    const res = await t.request(
      `/api/v1/datacenters/GZ-RAW-01/series?metric=ups_load_pct&step=1m&from=${old}&to=${old + HOUR}`,
      { token: admin },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/ROLLUP_1M_RETENTION_DAYS/);
    // What is within retention is untouched.
    expect((await raw('it_power_kw')).length).toBe(4);
  });

  it('compacts a replayed backlog by its data time: each hour once its data is 10 minutes past it', async () => {
    // A gateway replaying six-hour-old data, ten minutes per batch, with maintenance passes between batches as
    // they run in production (not forced: the site is sending, so it is not quiet).
    const maintenance = t.app.get(RawMaintenanceService);
    const h = Math.floor((now - 6 * HOUR) / HOUR) * HOUR;
    const chunks = () =>
      count(
        t,
        "SELECT COUNT(*) AS n FROM raw_chunks c JOIN series s ON s.id = c.series_id WHERE s.metric = 'x_replay_kw'",
      );
    const written: number[] = [];
    for (let m = 0; m < 80; m += 10) {
      const samples = Array.from({ length: 60 }, (_, k) => ({
        metric: 'x_replay_kw',
        ts: h + (m + k / 6) * MIN,
        value: 10 + ((m + k) % 7),
      }));
      expect((await post(samples)).status).toBe(200);
      await t.flush();
      await maintenance.pass();
      written.push(await chunks());
    }
    // By wall time every pass would have rewritten the open hour's chunk; by data time it is written once, after
    // the batch that took the data to 70 minutes (10 past the hour's end).
    expect(written).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect((await raw('x_replay_kw')).length).toBe(480);
    await settle(); // taken as quiet: the second hour too
    expect(await chunks()).toBe(2);
    expect((await raw('x_replay_kw')).length).toBe(480);
  });

  it('compacts a backlog larger than one pass over several passes, oldest batches first, losing nothing', async () => {
    // 26 batches of 5,000 samples (50 series, 100 ticks 10 s apart each): 130,000 samples, more than one pass
    // takes on either database (60,000 / 120,000), over 7.2 hours that ended more than the two hours ago a quiet
    // site's last windows are kept open for.
    const maintenance = t.app.get(RawMaintenanceService);
    const h = Math.floor((now - 12 * HOUR) / HOUR) * HOUR;
    const value = (b: number, k: number, z: number) =>
      Math.round((20 + z / 10 + ((b * 100 + k) % 37) / 4) * 100) / 100;
    for (let b = 0; b < 26; b++) {
      const samples = [];
      for (let k = 0; k < 100; k++)
        for (let z = 0; z < 50; z++)
          samples.push({
            metric: 'x_backlog_c',
            labels: { zone: `z${z}` },
            ts: h + (b * 100 + k) * 10_000,
            value: value(b, k, z),
          });
      expect((await post(samples)).status).toBe(200);
    }
    await t.flush();
    const level0 = () =>
      count(
        t,
        "SELECT COUNT(*) AS n FROM raw_batches b JOIN sites s ON s.id = b.site_id WHERE s.code = 'GZ-RAW-01'",
      );
    expect(await level0()).toBe(26);
    const first = await maintenance.pass(Date.now(), true);
    // The first pass took the oldest batches up to its bound, and asked for more.
    expect(first.more).toBe(true);
    expect(first.batchesCompacted).toBeGreaterThanOrEqual(12);
    expect(first.batchesCompacted).toBeLessThan(26);
    expect(await level0()).toBe(26 - first.batchesCompacted);
    // Oldest first: what is left starts with the batch after the ones the pass took.
    const [left] = await rows<{ t: number | string }>(
      t,
      "SELECT MIN(b.min_ts) AS t FROM raw_batches b JOIN sites s ON s.id = b.site_id WHERE s.code = 'GZ-RAW-01'",
    );
    expect(Number(left!.t)).toBe(h + first.batchesCompacted * 100 * 10_000);
    await settle();
    expect(await level0()).toBe(0);
    const zones = new Map(
      (
        await rows<{ id: number; labels: string }>(
          t,
          "SELECT id, labels FROM series WHERE metric = 'x_backlog_c'",
        )
      ).map((r) => [Number(r.id), Number(/z(\d+)/.exec(r.labels)![1])]),
    );
    const stored = (await rawSamples(t)).filter((s) => s.metric === 'x_backlog_c');
    expect(stored.length).toBe(130_000);
    const wrong = stored.filter((s) => {
      const i = (s.ts - h) / 10_000;
      const z = zones.get(s.seriesId)!;
      return s.value !== value(Math.floor(i / 100), i % 100, z);
    });
    expect(wrong).toEqual([]);
  });
});
