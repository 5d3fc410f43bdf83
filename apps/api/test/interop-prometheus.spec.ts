/**
 * A real Prometheus server (Debian's /usr/bin/prometheus) against dcfleet: it scrapes /metrics with METRICS_TOKEN
 * every second and remote-writes what it collects to POST /api/v1/prom/write with the site's ingest token, for a
 * few seconds; then the series must be in dcfleet, Prometheus must have scraped successfully and have had no
 * sample refused or dropped. On SQLite and PostgreSQL. Skipped (with a message) only where the binary is missing
 * and not in CI.
 */
import { rawSamples, rows } from './support/db';
import { bootTestApp, dialects, type TestApp } from './support/harness';
import { prometheusAvailable, startPrometheus, type PrometheusServer } from './support/prometheus-server';
import { waitFor } from './support/wait';

const SITE = 'PR-01';
const METRICS_TOKEN = 'interop-metrics-token-0123456789';

const suite = prometheusAvailable() ? describe.each(dialects()) : describe.skip.each(dialects());

suite('a real Prometheus scraping and remote-writing to dcfleet on %s', (dialect) => {
  let t: TestApp;
  let prom: PrometheusServer | undefined;
  let target: string;

  /** Stored series of the site as `metric{labels}`, with their newest value. */
  async function storedSeries(): Promise<Map<string, number>> {
    const series = await rows<{ id: number | string; metric: string; labels: string }>(
      t,
      'SELECT id, metric, labels FROM series',
    );
    const keyOf = new Map(series.map((s) => [Number(s.id), `${s.metric}${s.labels}`]));
    const newest = new Map<string, { ts: number; value: number }>();
    for (const s of await rawSamples(t)) {
      const key = keyOf.get(s.seriesId)!;
      if ((newest.get(key)?.ts ?? -Infinity) < s.ts) newest.set(key, { ts: s.ts, value: s.value });
    }
    return new Map([...newest].map(([k, v]) => [k, v.value]));
  }

  /** A counter of Prometheus's own /metrics, summed over its label sets. */
  async function promCounter(name: string): Promise<number> {
    const text = await (await fetch(`${prom!.url}/metrics`)).text();
    const found = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))];
    // A renamed counter must fail the test, not read as 0.
    if (found.length === 0) throw new Error(`Prometheus exports no ${name}`);
    return found.reduce((sum, m) => sum + Number(m[1]), 0);
  }

  beforeAll(async () => {
    t = await bootTestApp(dialect, { METRICS_TOKEN });
    await t.createSite(SITE);
    const { token } = await t.createToken(SITE);
    target = new URL(t.url).host;
    prom = await startPrometheus({
      global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
      scrape_configs: [
        {
          job_name: 'dcfleet',
          metrics_path: '/metrics',
          authorization: { credentials: METRICS_TOKEN },
          static_configs: [{ targets: [target] }],
        },
      ],
      remote_write: [
        {
          url: `${t.url}/api/v1/prom/write`,
          authorization: { credentials: token },
          // Short deadlines so data flows within seconds rather than the default 5 s batches; metadata too. 429 retried
          // as the README's snippet has it (Prometheus drops a batch answered 429 otherwise).
          queue_config: {
            retry_on_http_429: true,
            batch_send_deadline: '500ms',
            max_samples_per_send: 1000,
            min_backoff: '100ms',
            max_backoff: '1s',
          },
          metadata_config: { send: true, send_interval: '2s' },
        },
      ],
    });
  });
  afterAll(async () => {
    await prom?.stop();
    await t?.close();
  });

  it('the scraped series arrive in dcfleet as x_… metrics, Prometheus scraped /metrics and nothing was refused', async () => {
    const up = `x_up{"instance":"${target}","job":"dcfleet"}`;
    const accepted = `x_dcfleet_ingest_samples_accepted_total{"instance":"${target}","job":"dcfleet"}`;
    let stored = new Map<string, number>();
    try {
      await waitFor(
        'x_up and dcfleet’s own accepted-samples counter, remote-written by Prometheus',
        async () => {
          stored = await storedSeries();
          // The counter is scraped after Prometheus's first batches were accepted: it shows the round trip.
          return stored.get(up) === 1 && (stored.get(accepted) ?? 0) > 0;
        },
        20_000,
        250,
      );
    } catch (err) {
      throw new Error(
        `${(err as Error).message}; stored: ${[...stored.keys()].slice(0, 20).join(', ')}\n${prom!.log().slice(-3000)}`,
      );
    }
    // Prometheus's own scrape series, and the dcfleet metrics with labels (histogram buckets: le + 3 labels).
    expect(stored.get(`x_scrape_samples_scraped{"instance":"${target}","job":"dcfleet"}`)).toBeGreaterThan(
      50,
    );
    expect(
      [...stored.keys()].some((k) => k.startsWith('x_dcfleet_http_request_duration_seconds_bucket{')),
    ).toBe(true);
    expect([...stored.keys()].every((k) => k.startsWith('x_'))).toBe(true);

    // Prometheus side: the scrape with METRICS_TOKEN succeeded, and no sample was refused, dropped or retried.
    const targets = (await (await fetch(`${prom!.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string; lastError: string; scrapeUrl: string }[] };
    };
    expect(targets.data.activeTargets).toEqual([
      expect.objectContaining({ health: 'up', lastError: '', scrapeUrl: `${t.url}/metrics` }),
    ]);
    const query = (await (await fetch(`${prom!.url}/api/v1/query?query=up`)).json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    expect(query.data.result).toEqual([
      { metric: { __name__: 'up', instance: target, job: 'dcfleet' }, value: [expect.any(Number), '1'] },
    ]);
    expect(await promCounter('prometheus_remote_storage_samples_total')).toBeGreaterThan(0);
    // Metric metadata goes in requests of its own (every 2 s here), which dcfleet takes and ignores.
    await waitFor(
      'a metadata request',
      async () => (await promCounter('prometheus_remote_storage_metadata_total')) > 0,
      5_000,
      100,
    );
    for (const lost of [
      'prometheus_remote_storage_metadata_failed_total',
      'prometheus_remote_storage_samples_failed_total',
      'prometheus_remote_storage_samples_dropped_total',
      'prometheus_remote_storage_samples_retried_total',
    ]) {
      expect({ [lost]: await promCounter(lost) }).toEqual({ [lost]: 0 });
    }

    // dcfleet side: the remote writes were 204s with receipts like any ingest.
    const metrics = await (
      await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/^dcfleet_ingest_requests_total\{endpoint="prom",status="204"\} [1-9]\d*$/m);
    expect(metrics).not.toMatch(/endpoint="prom",status="(?!204")/);
    const receipts = await rows<{ n: number | string }>(t, 'SELECT COUNT(*) AS n FROM receipts');
    expect(Number(receipts[0]!.n)).toBeGreaterThan(0);
  });
});
