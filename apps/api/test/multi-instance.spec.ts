/**
 * Two API instances on one PostgreSQL database under concurrent load (docs/scaling.md): clients of both instances
 * write the same sites and series at once — new series, appends, and overwrites of one (series, ts) from both
 * instances — while both flush rollups and run raw maintenance (compaction of closed windows) on short timers.
 * Afterwards nothing acknowledged is lost, every (series, ts) holds the value of its last acknowledged write (the
 * site chain's order), and the 1m / 1h / 1d rollups equal the raw samples.
 */
import type { IngestResponse } from '@dcfleet/contracts';
import { RawMaintenanceService } from '../src/telemetry/raw-maintenance.service';
import { RollupService } from '../src/telemetry/rollup.service';
import { openDirect, rawSamplesDirect } from './support/db';
import { bootCluster, type Cluster } from './support/multi';

const PG = process.env.TEST_DATABASE_URL;
if (!PG && process.env.REQUIRE_POSTGRES === '1')
  throw new Error('REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set');

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const SITES = ['GZ-MI-01', 'GZ-MI-02'];
const RACKS = 40;
const PER_INSTANCE_CLIENTS = 2;
const LOAD_MS = 6_000;

interface Written {
  value: number;
  seq: number;
}

if (!PG) {
  describe('two API instances on one PostgreSQL', () => {
    it.skip('needs TEST_DATABASE_URL', () => {});
  });
} else {
  describe('two API instances on one PostgreSQL under load', () => {
    let cluster: Cluster;
    const tokens = new Map<string, string>();
    /** Per site, (metric|rack|ts) → the acknowledged write with the highest chain seq. */
    const last = new Map<string, Map<string, Written>>(SITES.map((s) => [s, new Map()]));
    const statuses = new Map<number, number>();
    let acked = 0;
    // A closed hour window (compacted while the load runs) and the current hour.
    const closed = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
    const recent = Math.floor((Date.now() - 20 * MIN) / MIN) * MIN;

    beforeAll(async () => {
      cluster = await bootCluster(2, { ROLLUP_FLUSH_MS: '300', RAW_MAINTAIN_MS: '200', ALARMS_ENABLED: '0' });
      for (const s of SITES) tokens.set(s, await cluster.createSiteWithToken(s));
    }, 60_000);
    afterAll(() => cluster?.close());

    it('loses nothing, resolves overwrites across instances by the chain order, and keeps rollups equal to raw', async () => {
      const stopAt = Date.now() + LOAD_MS;
      const client = async (instance: number, c: number) => {
        for (let i = 0; Date.now() < stopAt; i++) {
          const site = SITES[(i + c) % SITES.length]!;
          const samples: { metric: string; labels: { rack: string }; ts: number; value: number }[] = [];
          // Appends: this client's own tick of every rack, in the closed window and now (new series on the first).
          const tick = (i * 4 + c * 2 + instance) % 200; // 1,000 s: inside both windows
          for (let r = 0; r < RACKS; r++)
            for (const base of [closed, recent])
              samples.push({
                metric: 'inlet_temp_c',
                labels: { rack: `R${r}` },
                ts: base + tick * 5 * SEC,
                value: 20 + ((tick * 7 + r) % 40) * 0.25,
              });
          // Overwrites: both instances' clients write the same few (series, ts) with their own values.
          for (let r = 0; r < 5; r++)
            samples.push({
              metric: 'it_power_kw',
              labels: { rack: `R${r}` },
              ts: closed + (i % 20) * 10 * SEC,
              value: 100 + instance * 1000 + c * 100 + (i % 50) + 0.5,
            });
          const res = await cluster.ingest(instance, tokens.get(site)!, { samples });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status !== 200) continue;
          const body = (await res.json()) as IngestResponse;
          expect(body.rejected).toEqual([]);
          acked++;
          const map = last.get(site)!;
          for (const s of samples) {
            const key = `${s.metric}|${s.labels.rack}|${s.ts}`;
            const prev = map.get(key);
            if (!prev || prev.seq < body.receipt.seq) map.set(key, { value: s.value, seq: body.receipt.seq });
          }
        }
      };
      await Promise.all(
        [0, 1].flatMap((inst) => Array.from({ length: PER_INSTANCE_CLIENTS }, (_, c) => client(inst, c))),
      );
      expect([...statuses.keys()]).toEqual([200]);
      expect(acked).toBeGreaterThan(20);

      for (const inst of cluster.instances) await inst.app.get(RollupService).flush();
      await cluster.instances[1]!.app.get(RawMaintenanceService).settle();

      const direct = await openDirect(cluster.databaseUrl);
      try {
        const [receipts] = await direct.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM receipts');
        expect(Number(receipts!.n)).toBe(acked);
        const [pending] = await direct.query<{ n: number | string }>(
          'SELECT COUNT(*) AS n FROM receipts WHERE rolled_up = false',
        );
        expect(Number(pending!.n)).toBe(0);
        // The closed window was compacted while both instances wrote into it.
        const [chunks] = await direct.query<{ n: number | string }>(
          'SELECT COUNT(*) AS n FROM raw_chunks WHERE window_start = $1',
          [closed],
        );
        expect(Number(chunks!.n)).toBeGreaterThan(0);

        const series = await direct.query<{ id: number; code: string; metric: string; labels: string }>(
          'SELECT r.id AS id, s.code AS code, r.metric AS metric, r.labels AS labels FROM series r JOIN sites s ON s.id = r.site_id',
        );
        const keyOf = new Map(
          series.map((r) => [
            r.id,
            { site: r.code, prefix: `${r.metric}|${(JSON.parse(r.labels) as { rack: string }).rack}` },
          ]),
        );
        const stored = await rawSamplesDirect(cluster.databaseUrl);
        const got = new Map<string, Map<string, number>>(SITES.map((s) => [s, new Map()]));
        for (const s of stored) {
          const k = keyOf.get(s.seriesId)!;
          const key = `${k.prefix}|${s.ts}`;
          expect(got.get(k.site)!.has(key)).toBe(false); // exactly once
          got.get(k.site)!.set(key, s.value);
        }
        for (const site of SITES) {
          const want = new Map([...last.get(site)!].map(([k, w]) => [k, w.value]));
          expect(want.size).toBeGreaterThan(RACKS);
          expect(got.get(site)).toEqual(want);
        }

        // Rollups: count and sum per bucket of each level equal the raw samples.
        const agg = (width: (t: number) => number) => {
          const m = new Map<string, { count: number; sum: number }>();
          for (const s of stored) {
            const key = `${s.seriesId}:${width(s.ts)}`;
            const a = m.get(key) ?? { count: 0, sum: 0 };
            a.count++;
            a.sum += s.value;
            m.set(key, a);
          }
          return m;
        };
        const day = (t: number) => {
          // Asia/Shanghai (the sites' default zone): UTC+8 all year.
          const z = 8 * HOUR;
          return Math.floor((t + z) / (24 * HOUR)) * 24 * HOUR - z;
        };
        for (const [table, width] of [
          ['rollup_1m', (t: number) => t - (t % MIN)],
          ['rollup_1h', (t: number) => t - (t % HOUR)],
          ['rollup_1d', day],
        ] as const) {
          const rowsOf = await direct.query<{
            series_id: number;
            bucket: number | string;
            count: number;
            sum: number;
          }>(`SELECT series_id, bucket, count, sum FROM ${table}`);
          const gotAgg = new Map(
            rowsOf.map((r) => [
              `${r.series_id}:${Number(r.bucket)}`,
              { count: Number(r.count), sum: Number(r.sum) },
            ]),
          );
          expect(gotAgg).toEqual(agg(width));
        }
      } finally {
        await direct.close();
      }
    }, 120_000);
  });
}
