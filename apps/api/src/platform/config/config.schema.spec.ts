import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from './app-config';
import { ConfigError, parseEnv, weakPasswordReason } from './config.schema';

const STRONG = 'a-strong-admin-password';

/** The problems parseEnv reports, one per line ([] when the environment is valid). */
function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseEnv(env);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}

describe('parseEnv', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({ ADMIN_PASSWORD: STRONG });
    expect(env).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      DEMO: false,
      ADMIN_USERNAME: 'admin',
      JWT_TTL_S: 43_200,
      INGEST_MAX_BODY_BYTES: 10 * 1024 * 1024,
      INGEST_MAX_SAMPLES: 50_000,
      INGEST_MAX_AGE_DAYS: 800,
      INGEST_RATE_LIMIT: 0,
      STALE_AFTER_S: 300,
      LOGIN_RATE_LIMIT: 10,
      TRUST_PROXY: 0,
      LOG_LEVEL: 'log',
    });
    expect(env.HOST).toBeUndefined(); // AppConfig.listenHost: 0.0.0.0, or 127.0.0.1 in demo mode
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.JWT_SECRET).toBeUndefined();
    expect(env.METRICS_TOKEN).toBeUndefined();
  });

  it('parses explicit values (numbers, flags, URLs)', () => {
    const env = parseEnv({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/dcfleet',
      REDIS_URL: 'redis://cache:6379',
      DEMO: 'true',
      INGEST_MAX_BODY_BYTES: '2048',
      TRUST_PROXY: 'yes',
    });
    expect(env).toMatchObject({
      PORT: 8080,
      DATABASE_URL: 'postgres://u:p@db:5432/dcfleet',
      REDIS_URL: 'redis://cache:6379',
      DEMO: true,
      INGEST_MAX_BODY_BYTES: 2048,
      TRUST_PROXY: 1,
    });
    expect(parseEnv({ DATABASE_URL: 'sqlite:/tmp/x.sqlite', DEMO: '1' }).DATABASE_URL).toBe(
      'sqlite:/tmp/x.sqlite',
    );
    expect(parseEnv({ DATABASE_URL: 'postgresql://h/db', DEMO: 'on' }).DEMO).toBe(true);
  });

  it('reads TRUST_PROXY as hops or proxy addresses, never "trust everything"', () => {
    expect(parseEnv({ DEMO: '1', TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(parseEnv({ DEMO: '1', TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
    expect(parseEnv({ DEMO: '1', TRUST_PROXY: 'off' }).TRUST_PROXY).toBe(0);
    expect(parseEnv({ DEMO: '1', TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toEqual([
      'loopback',
      '10.0.0.0/8',
    ]);
  });

  it('reads per-hub PUE targets as hub=PUE pairs', () => {
    const env = parseEnv({ DEMO: '1', HUB_TARGETS: 'Guizhou=1.2, Inner Mongolia = 1.25' });
    expect(env.HUB_TARGETS).toEqual({ Guizhou: 1.2, 'Inner Mongolia': 1.25 });
    expect(env.HUB_TARGET_PUE).toBe(1.25);
  });

  it('treats empty strings as unset (env files)', () => {
    const env = parseEnv({ PORT: '', REDIS_URL: '', DEMO: '1' });
    expect(env.PORT).toBe(3000);
    expect(env.REDIS_URL).toBeUndefined();
    expect(problems({ DEMO: '0', ADMIN_PASSWORD: '' })).toEqual([
      'ADMIN_PASSWORD is required when DEMO=0 (it creates the first admin)',
    ]);
  });

  it.each([
    ['PORT', 'abc', /^PORT .*number/],
    ['PORT', '70000', /^PORT .*at most 65535/],
    ['PORT', '80.5', /^PORT .*whole number/],
    ['DATABASE_URL', 'mysql://root@db/dcfleet', /^DATABASE_URL must be sqlite:<path> or postgres:\/\//],
    ['REDIS_URL', 'http://x', /^REDIS_URL must be redis:\/\//],
    ['INGEST_MAX_BODY_BYTES', '-1', /^INGEST_MAX_BODY_BYTES must be at least 1024/],
    ['INGEST_MAX_SAMPLES', '0', /^INGEST_MAX_SAMPLES must be at least 1/],
    ['INGEST_DECODE_WORKERS', '17', /^INGEST_DECODE_WORKERS must be at most 16/],
    ['DEMO', 'maybe', /^DEMO must be 1 or 0/],
    ['TRUST_PROXY', 'sometimes', /^TRUST_PROXY must be 0, a number of proxy hops, or proxy addresses/],
    ['TRUST_PROXY', 'loopback,evil.example', /^TRUST_PROXY must be 0, a number of proxy hops/],
    ['JWT_SECRET', 'short', /^JWT_SECRET must be at least 32 characters/],
    ['METRICS_TOKEN', 'tiny', /^METRICS_TOKEN must be at least 16 characters/],
    ['ADMIN_USERNAME', 'a b', /^ADMIN_USERNAME must be 3-64/],
    ['LOG_LEVEL', 'chatty', /^LOG_LEVEL /],
    ['MQTT_PORT', '65536', /^MQTT_PORT must be at most 65535/],
    ['MQTT_URL', 'tcp://broker:1883', /^MQTT_URL must be mqtt:\/\/host:port/],
    ['MQTT_TOPIC', 'dcfleet/#', /^MQTT_TOPIC must be topic filters with exactly one \+ level/],
    ['MQTT_TOPIC', 'dcfleet/+/+/telemetry', /^MQTT_TOPIC must be topic filters with exactly one \+ level/],
    ['MQTT_TLS_CERT', '/etc/dcfleet/cert.pem', /^MQTT_TLS_CERT and MQTT_TLS_KEY must be set together/],
    ['HUB_TARGET_PUE', '0.9', /^HUB_TARGET_PUE must be at least 1/],
    ['HUB_TARGETS', 'Guizhou', /^HUB_TARGETS must be "hub=PUE" pairs .*bad: "Guizhou"/],
    ['HUB_TARGETS', 'Guizhou=1.2,Gansu=abc', /^HUB_TARGETS .*bad: "Gansu=abc"/],
    [
      'ALARM_WEBHOOK_URL',
      'ftp://hooks.example/x',
      /^ALARM_WEBHOOK_URL must be an absolute http:\/\/ or https:\/\/ URL/,
    ],
    ['ALARM_WEBHOOK_URL', 'hooks.example/x', /^ALARM_WEBHOOK_URL must be an absolute http/],
  ])('%s=%s is refused with a line naming the variable', (key, value, message) => {
    const found = problems({ DEMO: '1', [key]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('reports every bad variable at once, each on its own line', () => {
    let error: ConfigError | undefined;
    try {
      parseEnv({
        PORT: 'abc',
        DATABASE_URL: 'mysql://',
        REDIS_URL: 'http://x',
        INGEST_MAX_BODY_BYTES: '-1',
        DEMO: 'maybe',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = error!.problems.map((p) => p.split(' ')[0]).sort();
    expect(keys).toEqual(['DATABASE_URL', 'DEMO', 'INGEST_MAX_BODY_BYTES', 'PORT', 'REDIS_URL']);
    const lines = error!.message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    for (const key of keys) expect(lines.filter((l) => l.startsWith(`  - ${key} `))).toHaveLength(1);
  });

  it('DEMO=0 without ADMIN_PASSWORD stops with a clear message', () => {
    for (const env of [{}, { DEMO: '0' }, { DEMO: 'false', ADMIN_PASSWORD: '' }]) {
      const found = problems(env);
      expect(found).toEqual(['ADMIN_PASSWORD is required when DEMO=0 (it creates the first admin)']);
    }
  });

  it.each([
    ['too short', 'short-pw', /at least 12 characters/],
    ['one repeated character', 'aaaaaaaaaaaaaaaa', /too easy to guess/],
    ['starts with "password"', 'password12345', /too easy to guess/],
    ['starts with "admin"', 'Admin-admin-admin', /too easy to guess/],
    ['starts with "changeme"', 'changeme-please', /too easy to guess/],
  ])('DEMO=0 with a weak ADMIN_PASSWORD (%s) stops with a clear message', (_name, password, reason) => {
    const found = problems({ DEMO: '0', ADMIN_PASSWORD: password });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^ADMIN_PASSWORD /);
    expect(found[0]).toMatch(reason);
    expect(found[0]).not.toContain(password); // the message never echoes the secret
  });

  it('DEMO=0 with a strong ADMIN_PASSWORD boots', () => {
    expect(parseEnv({ DEMO: '0', ADMIN_PASSWORD: STRONG }).ADMIN_PASSWORD).toBe(STRONG);
    expect(weakPasswordReason(STRONG)).toBeUndefined();
  });

  it('DEMO=1 needs no ADMIN_PASSWORD (and accepts a short one for the demo admin)', () => {
    expect(problems({ DEMO: '1' })).toEqual([]);
    expect(problems({ DEMO: '1', ADMIN_PASSWORD: 'short' })).toEqual([]);
  });

  it('reports a missing ADMIN_PASSWORD together with other bad variables (one boot shows every problem)', () => {
    expect(problems({ DEMO: '0', PORT: 'x' }).map((p) => p.split(' ')[0])).toEqual([
      'PORT',
      'ADMIN_PASSWORD',
    ]);
    expect(problems({ PORT: 'x', ADMIN_PASSWORD: 'weak' }).map((p) => p.split(' ')[0])).toEqual([
      'PORT',
      'ADMIN_PASSWORD',
    ]);
    // An unreadable DEMO is reported as such, not guessed.
    expect(problems({ DEMO: 'maybe' }).map((p) => p.split(' ')[0])).toEqual(['DEMO']);
  });
});

describe('AppConfig.listenHost', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dcfleet-config-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const host = (env: Record<string, string>) =>
    AppConfig.fromEnv({ DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(32), ...env }).listenHost;

  it('keeps a demo on this machine unless HOST says otherwise (its logins are public)', () => {
    expect(host({ DEMO: '1' })).toBe('127.0.0.1');
    expect(host({ DEMO: '1', HOST: '0.0.0.0' })).toBe('0.0.0.0');
  });

  it('listens on every interface in production unless HOST narrows it', () => {
    expect(host({ ADMIN_PASSWORD: STRONG })).toBe('0.0.0.0');
    expect(host({ ADMIN_PASSWORD: STRONG, HOST: '10.0.0.5' })).toBe('10.0.0.5');
  });
});
