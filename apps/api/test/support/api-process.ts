import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** The workspace root and the built API (process-level suites run what `npm start` runs). */
export const ROOT = resolve(__dirname, '../../../..');
export const MAIN_JS = join(ROOT, 'apps/api/dist/main.js');

export function requireBuiltApi(): void {
  if (!existsSync(MAIN_JS)) {
    throw new Error(`${MAIN_JS} is missing: build the API first (npm run build)`);
  }
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** The environment of a spawned API: the test runner's, minus anything that would change the API's behaviour. */
export function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      /^(PORT|HOST|DATA_DIR|DATABASE_URL|REDIS_URL|DEMO|ADMIN_|JWT_|INGEST_|ROLLUP_|RAW_|LOGIN_|METRICS_|LOG_LEVEL|STALE_|OFFLINE_|TRUST_PROXY|DASHBOARD_DIR|MQTT_|NODE_OPTIONS)/.test(
        k,
      )
    )
      continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs `node apps/api/dist/main.js` to completion (for boot failures). */
export function runToExit(
  env: Record<string, string | undefined>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  requireBuiltApi();
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [MAIN_JS], {
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`main.js did not exit within ${timeoutMs} ms; output:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Starts the built API on a free port and waits for /health/ready. */
export async function startApi(
  env: Record<string, string | undefined>,
  nodeArgs: string[] = [],
): Promise<ApiProcess> {
  requireBuiltApi();
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, MAIN_JS], {
    env: cleanEnv({ PORT: String(port), HOST: '127.0.0.1', DEMO: '0', LOG_LEVEL: 'warn', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: ROOT,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`API exited early (${child.exitCode ?? child.signalCode}):\n${out}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`API not ready within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    output: () => out,
    exited,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
