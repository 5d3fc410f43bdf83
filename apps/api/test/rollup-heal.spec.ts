/**
 * Rollups that heal (issue #19 item 5, docs/architecture.md "Rollups that heal"): a flush that fails while the
 * instance lives is repaired from raw samples without a restart; the consistency check finds and recomputes a bucket
 * that differs from its raw samples; on PostgreSQL the instance lease comes back after its connection dies.
 */
import { Client } from 'pg';
import { AppConfig } from '../src/platform/config/app-config';
import { DbHandle } from '../src/platform/database/db-handle';
import { InstanceLease } from '../src/telemetry/instance-lease';
import { RollupService } from '../src/telemetry/rollup.service';
import { refuseInserts, rows } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { waitFor } from './support/wait';

const MIN = 60_000;

describe.each(dialects())('rollups that heal on %s', (dialect) => {
  let t: TestApp;
  let token: string;
  const base = Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000;

  const post = (samples: { ts: number; value: number }[]) =>
    t.request('/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ samples: samples.map((s) => ({ metric: 'it_power_kw', ...s })) }),
    });

  /** Stored 1-minute count and sum per bucket of the site's it_power_kw. */
  const minuteRows = async () =>
    (
      await rows<{ bucket: number | string; count: number | string; sum: number }>(
        t,
        `SELECT bucket, count, sum FROM rollup_1m ORDER BY bucket`,
      )
    ).map((r) => ({ bucket: Number(r.bucket), count: Number(r.count), sum: Number(r.sum) }));

  const metric = async (name: string): Promise<string> => {
    const text = await (await t.request('/metrics', { token: await t.login('admin') })).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(name))
      .join('\n');
  };

  beforeAll(async () => {
    // The timers stay out of the way: the test drives flushes and checks itself.
    t = await bootTestApp(dialect, { ROLLUP_FLUSH_MS: '600000', ROLLUP_CHECK_MS: '0' });
    await t.createSite('GZ-R-01');
    token = (await t.createToken('GZ-R-01')).token;
  });
  afterAll(() => t.close());

  it('repairs the batches of a failed flush at the next flush, without a restart', async () => {
    expect((await post([{ ts: base, value: 10 }])).status).toBe(200);
    await t.flush();
    // The rollup tables refuse writes for a while: an outage of the rollup path only, ingest goes on.
    const restore = await refuseInserts(t, 'rollup_1m');
    try {
      expect(
        (
          await post([
            { ts: base + 10_000, value: 20 },
            { ts: base + MIN, value: 30 },
          ])
        ).status,
      ).toBe(200);
      await t.flush(); // fails: the batch stays pending
      expect(await rows(t, 'SELECT id FROM receipts WHERE NOT rolled_up')).toHaveLength(1);
    } finally {
      await restore();
    }
    await t.flush();
    expect(await rows(t, 'SELECT id FROM receipts WHERE NOT rolled_up')).toHaveLength(0);
    expect(await minuteRows()).toEqual([
      { bucket: base, count: 2, sum: 30 },
      { bucket: base + MIN, count: 1, sum: 30 },
    ]);
    expect(await metric('dcfleet_rollup_repaired_batches_total')).toContain(
      'dcfleet_rollup_repaired_batches_total{cause="failed_flush"} 1',
    );
  });

  it('finds a recently written minute that differs from its raw samples and recomputes it', async () => {
    const rollups = t.app.get(RollupService);
    await rollups.checkConsistency(); // what earlier tests wrote
    expect(
      (
        await post([
          { ts: base + 2 * MIN, value: 40 },
          { ts: base + 2 * MIN + 5_000, value: 41 },
        ])
      ).status,
    ).toBe(200);
    await t.flush();
    // Damage the bucket the flush just wrote, as a lost update or a bad repair would.
    const db = t.app.get(DbHandle);
    const damage = `UPDATE rollup_1m SET count = count + 1, sum = sum + 100 WHERE bucket = ${base + 2 * MIN}`;
    if (dialect === 'sqlite') db.sqlite.exec(damage);
    else await db.pool.query(damage);
    expect(await rollups.checkConsistency()).toEqual({ checked: 1, repaired: 1 });
    expect((await minuteRows()).find((r) => r.bucket === base + 2 * MIN)).toEqual({
      bucket: base + 2 * MIN,
      count: 2,
      sum: 81,
    });
    const [hour] = await rows<{ count: number | string }>(
      t,
      `SELECT count FROM rollup_1h WHERE bucket = ${base}`,
    );
    expect(Number(hour!.count)).toBe(5);
    expect(await metric('dcfleet_rollup_check_repaired_total')).toContain(
      'dcfleet_rollup_check_repaired_total 1',
    );
    // Nothing written since: nothing to check.
    expect(await rollups.checkConsistency()).toEqual({ checked: 0, repaired: 0 });
  });

  if (dialect === 'postgres') {
    it('re-establishes the instance lease after its connection dies', async () => {
      const lease = t.app.get(InstanceLease);
      const peer = new InstanceLease(t.app.get(AppConfig));
      await peer.start();
      const admin = new Client({ connectionString: t.databaseUrl });
      await admin.connect();
      try {
        expect(await peer.isDead(lease.id)).toBe(false);
        const { rows: killed } = await admin.query<{ ok: boolean }>(
          'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
          [`dcfleet-lease-${lease.id.slice(0, 8)}`],
        );
        expect(killed).toEqual([{ ok: true }]);
        await waitFor('the lease to be re-established', () => lease.held && lease.reconnects === 1, 20_000);
        expect(await peer.isDead(lease.id)).toBe(false);
      } finally {
        await admin.end();
        await peer.stop();
      }
    });
  }
});
