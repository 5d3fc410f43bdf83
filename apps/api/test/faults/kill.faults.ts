/**
 * SIGKILL at random points while gateways post (issue #19 item 7): the built API is killed and restarted on the same
 * database again and again; afterwards every acknowledged sample is there with its value, no batch is half-stored,
 * every receipt chain verifies and every 1-minute rollup equals its raw samples.
 */
import { startApi, type ApiProcess } from '../support/api-process';
import { dialects, freshDatabase } from '../support/harness';
import {
  ADMIN_PASSWORD,
  FULL,
  Gateway,
  JWT_SECRET,
  checkStore,
  createSites,
  heldOf,
  record,
  sleep,
  statusSummary,
} from './support';

const KILLS = FULL ? 30 : 10;

describe.each(dialects())('SIGKILL during ingest on %s', (dialect) => {
  it(`loses nothing acknowledged over ${KILLS} kills`, async () => {
    const db = await freshDatabase(dialect);
    const env = {
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      ADMIN_PASSWORD,
      JWT_SECRET,
      ROLLUP_FLUSH_MS: '300',
      INGEST_DECODE_WORKERS: '1',
    };
    let api: ApiProcess = await startApi(env);
    try {
      const tokens = await createSites(api.url, ['KILL-01', 'KILL-02']);
      const t0 = Math.floor((Date.now() - 20 * 86_400_000) / 3_600_000) * 3_600_000;
      const gateways = [...tokens].map(([code, token]) => new Gateway(code, token, t0));
      // Deterministic spread of kill points (300-1,200 ms into each life), so a failure can be replayed.
      let seed = 7;
      const random = () => (seed = (seed * 48271) % 2_147_483_647) / 2_147_483_647;
      for (let i = 0; i < KILLS; i++) {
        for (const g of gateways) g.start(api.url);
        await sleep(300 + Math.floor(random() * 900));
        await api.kill('SIGKILL');
        await Promise.all(gateways.map((g) => g.stop()));
        api = await startApi(env);
      }
      const check = await checkStore(api.url, db.url, gateways);
      const { held, ok } = heldOf(check);
      record({
        scenario: 'SIGKILL during ingest',
        database: dialect,
        tried: `${KILLS} kills at 0.3-1.2 s into each life, 2 gateways posting 200-sample batches (${statusSummary(gateways)})`,
        held,
        ok,
      });
      expect(check).toMatchObject({
        missing: 0,
        wrongValue: 0,
        halfStored: 0,
        pendingLeft: 0,
        rollupMismatches: 0,
      });
      expect(check.chainsValid).toBe(true);
      expect(check.ackedSamples).toBeGreaterThan(0);
    } finally {
      await api.kill('SIGTERM');
      await db.drop();
    }
  });
});
