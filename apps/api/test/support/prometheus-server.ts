import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './api-process';
import { waitFor } from './wait';

export const PROMETHEUS = '/usr/bin/prometheus';

/**
 * Whether the Prometheus interop suite can run: Debian's prometheus is installed. In CI it must be (.ci/run installs
 * it), so a missing binary fails there instead of skipping silently.
 */
export function prometheusAvailable(): boolean {
  if (existsSync(PROMETHEUS)) return true;
  if (process.env.CI) throw new Error(`${PROMETHEUS} is missing: apt-get install prometheus (.ci/run does)`);
  console.warn(
    `skipping the Prometheus interop suite: ${PROMETHEUS} is not installed (apt-get install prometheus)`,
  );
  return false;
}

export interface PrometheusServer {
  /** Its HTTP API, e.g. http://127.0.0.1:PORT (query with /api/v1/query, its own metrics at /metrics). */
  url: string;
  /** What it logged (for failure messages). */
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * A Prometheus of the test's own: `config` (prometheus.yml as an object; YAML reads JSON) in a temp directory with
 * its TSDB, listening on a free loopback port. Resolves once it is ready (/-/ready), i.e. its config loaded.
 */
export async function startPrometheus(config: object): Promise<PrometheusServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dcfleet-prometheus-'));
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=info',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (log.length < 200_000) log += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `prometheus ready on port ${port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode})`);
        return (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200;
      },
      15_000,
      100,
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log.slice(-4000)}`);
  }
  return { url, log: () => log, stop };
}
