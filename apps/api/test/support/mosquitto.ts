import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './api-process';
import { dialects, type Dialect } from './harness';
import { waitFor } from './wait';

export const MOSQUITTO = '/usr/sbin/mosquitto';

/**
 * Whether the real-broker suites can run: Debian's mosquitto is installed. In CI it must be (.ci/run installs it),
 * so a missing binary fails there instead of skipping silently.
 */
export function mosquittoAvailable(): boolean {
  if (existsSync(MOSQUITTO)) return true;
  if (process.env.CI) throw new Error(`${MOSQUITTO} is missing: apt-get install mosquitto (.ci/run does)`);
  console.warn(`skipping the broker suites: ${MOSQUITTO} is not installed (apt-get install mosquitto)`);
  return false;
}

export interface Broker {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/**
 * A Mosquitto of the test's own on a free port (anonymous, loopback only), so a suite controls its broker's life
 * and sessions whatever else runs on 1883. `extraConfig`: more mosquitto.conf lines (a bridge, say).
 */
export async function startMosquitto(extraConfig: string[] = []): Promise<Broker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dcfleet-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 100000',
      ...(process.env.MOSQ_DEBUG ? ['log_type all'] : []),
      ...extraConfig,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  // MOSQ_DEBUG=1: the broker's full log on the test's output (bridges are otherwise silent about what they drop).
  if (process.env.MOSQ_DEBUG) child.stderr?.on('data', (d: Buffer) => process.stdout.write(d));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
  try {
    await waitFor(
      `mosquitto on port ${port}`,
      async () => child.exitCode === null && (await answers()),
      10_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}: ${stderr}`);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `describe.each` over the dialects when the broker can run; else the suite is listed as skipped (mosquittoAvailable). */
export function describeWithBroker(name: string, suite: (dialect: Dialect) => void): void {
  if (mosquittoAvailable()) describe.each(dialects())(name, suite);
  else describe.skip(name, () => suite('sqlite'));
}
