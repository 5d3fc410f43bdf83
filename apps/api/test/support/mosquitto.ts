import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './api-process';
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
 * and sessions whatever else runs on 1883.
 */
export async function startMosquitto(): Promise<Broker> {
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
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
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
