import { alarmWebhookUrlSchema } from '@dcfleet/contracts';
import { z } from 'zod';

/** Booleans as operators write them in env files. */
const flag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { message: 'must be 1 or 0 (true/false)' })
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const int = (min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });

/** A PUE target: 1 (no overhead at all) up to 3, far beyond any limit value in use. */
const pueTarget = z.coerce
  .number({ message: 'must be a number' })
  .min(1, { message: 'must be at least 1' })
  .max(3, { message: 'must be at most 3' });

/** `Hub A=1.2,Hub B=1.3`: per-hub PUE targets keyed by a site's `hub` exactly. */
const hubTargets = z.string().transform((v, ctx) => {
  const out: Record<string, number> = {};
  for (const part of v.split(',')) {
    const at = part.lastIndexOf('=');
    const hub = part.slice(0, at).trim();
    const value = Number(part.slice(at + 1).trim());
    if (at < 0 || !hub || !(value >= 1 && value <= 3)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be "hub=PUE" pairs separated by commas, PUE between 1 and 3 (bad: "${part.trim().slice(0, 40)}")`,
      });
      return z.NEVER;
    }
    out[hub] = value;
  }
  return out;
});

const databaseUrl = z.string().refine((v) => v.startsWith('sqlite:') || /^postgres(ql)?:\/\//.test(v), {
  message: 'must be sqlite:<path> or postgres://user:pass@host:port/db',
});

export const envSchema = z.object({
  PORT: int(0, 65535).default(3000),
  /**
   * Address to listen on. Unset: 0.0.0.0 in production, 127.0.0.1 in demo mode (the demo logins are public, so
   * a demo is reachable from other machines only when HOST says so).
   */
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: databaseUrl.optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, { message: 'must be redis://host:port' })
    .optional(),
  /** Prefix of every Redis key and pub/sub channel (several deployments can share one Redis). */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_.:-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ . : -' })
    .default('dcfleet'),
  /** Live push: recent events kept per room for reconnecting clients (resume with lastSeq). */
  LIVE_BUFFER_SIZE: int(1, 100_000).default(500),
  /** Live push: and at most this many bytes of them per room (the newest event is always kept). */
  LIVE_BUFFER_BYTES: int(1024, 1024 * 1024 * 1024).default(1024 * 1024),
  /** Live push: packets queued for one client before it is disconnected as too slow. */
  LIVE_CLIENT_MAX_QUEUE: int(10, 1_000_000).default(1000),
  DEMO: flag.default(false),
  ADMIN_USERNAME: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{3,64}$/, { message: 'must be 3-64 letters, digits, _ . -' })
    .default('admin'),
  ADMIN_PASSWORD: z.string().optional(),
  JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  JWT_TTL_S: int(60, 7 * 86400).default(12 * 3600),
  INGEST_MAX_BODY_BYTES: int(1024, 512 * 1024 * 1024).default(10 * 1024 * 1024),
  INGEST_MAX_SAMPLES: int(1, 1_000_000).default(50_000),
  INGEST_MAX_AGE_DAYS: int(1, 36_500).default(800),
  INGEST_MAX_INFLIGHT: int(1, 10_000).default(32),
  /** Ingest requests of one site in flight at once (its token's share of INGEST_MAX_INFLIGHT). */
  INGEST_MAX_INFLIGHT_PER_SITE: int(1, 10_000).default(8),
  /** A request body must arrive within this many ms (slow uploads hold an in-flight slot): 408, connection closed. */
  INGEST_BODY_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
  /** Series one site may have (0: no limit); a batch that would create more is refused whole (422). */
  SERIES_MAX_PER_SITE: int(0, 100_000_000).default(50_000),
  /** Points (series × buckets) one series read may return. */
  READ_MAX_POINTS: int(1000, 100_000_000).default(500_000),
  INGEST_RATE_LIMIT: int(0, 100_000_000).default(0),
  /**
   * Threads that parse and validate large ingest bodies (JSON and line protocol); 0 decodes them on the main
   * thread. Unset: one per core beyond the main thread, at most 4.
   */
  INGEST_DECODE_WORKERS: int(0, 16).optional(),
  /** Hub PUE target (docs/contract.md "Green ratings"): a final rating with PUE ≤ this meets it. */
  HUB_TARGET_PUE: pueTarget.default(1.25),
  /** Per-hub overrides of HUB_TARGET_PUE, `Hub A=1.2,Hub B=1.3` (a site's `hub` value exactly). */
  HUB_TARGETS: hubTargets.optional(),
  STALE_AFTER_S: int(10, 86_400 * 30).default(300),
  OFFLINE_AFTER_S: int(10, 86_400 * 365).default(3600),
  ROLLUP_FLUSH_MS: int(50, 600_000).default(2000),
  /** How often a sample of recently written minute buckets is compared with raw samples and repaired (0: off). */
  ROLLUP_CHECK_MS: int(0, 86_400_000).default(300_000),
  /**
   * Raw samples older than this many days are removed (0 keeps them forever). Unset: INGEST_MAX_AGE_DAYS, so every
   * sample the backfill window accepts can still correct the rollups exactly. Late samples older than a shorter
   * raw retention are accepted only when they come after what their hour already holds (docs/architecture.md,
   * "Retention").
   */
  RAW_RETENTION_DAYS: int(0, 36_500).optional(),
  /** 1-minute rollups older than this many days are removed (0 keeps them); hours and days are kept forever. */
  ROLLUP_1M_RETENTION_DAYS: int(0, 36_500).default(35),
  /** How often raw maintenance (compaction, upgrade, retention) runs when it has nothing queued. */
  RAW_MAINTAIN_MS: int(100, 3_600_000).default(5000),
  /**
   * A site that has sent nothing for this long has its windows compacted by wall time; while it sends, by its
   * data's time (docs/architecture.md, "Raw storage"). Raise it for gateways that post less often.
   */
  RAW_COMPACT_QUIET_S: int(0, 86_400).default(600),
  /** Alarm evaluation (docs/contract.md "Alarms"); 0 turns it off entirely (no rules evaluated, no notifications). */
  ALARMS_ENABLED: flag.default(true),
  /** Samples older than the newest event time of their site minus this never raise or clear an alarm. */
  ALARM_LATENESS_S: int(0, 86_400).default(300),
  /**
   * Alarm storms: active alarms per site and rule for individual zones or counters; beyond it, further ones
   * are grouped into one summary alarm for that site and rule (0: no limit).
   */
  ALARM_MAX_PER_RULE: int(0, 1_000_000).default(20),
  /** How often stale sites are checked (and, on PostgreSQL, alarms/rules changed by other instances picked up). */
  ALARM_EVAL_INTERVAL_MS: int(50, 600_000).default(10_000),
  /** Webhook for every alarm event (POST JSON {event, alarm, sentAt}); rules may name their own URL too. */
  ALARM_WEBHOOK_URL: alarmWebhookUrlSchema.optional(),
  /** First webhook retry delay; doubles per attempt (5 attempts in all). */
  ALARM_WEBHOOK_RETRY_MS: int(10, 600_000).default(1000),
  /** Webhook deliveries queued in memory before the oldest are dropped (logged). */
  ALARM_WEBHOOK_QUEUE: int(1, 1_000_000).default(1000),
  LOGIN_RATE_LIMIT: int(1, 10_000).default(10),
  /** Password checks (argon2id, 64 MiB each) running at once; 16 × this many wait, more are refused with 503. */
  LOGIN_CONCURRENCY: int(1, 64).default(2),
  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  /**
   * Reverse proxies in front of dcfleet whose X-Forwarded-For is believed: 0/false none; a number of hops (1/true:
   * one proxy; the client address is the one that proxy appended, never what the client itself sent); or a
   * comma-separated list of proxy addresses/CIDRs (`loopback`, `10.0.0.0/8`, …; Express's `trust proxy`).
   */
  TRUST_PROXY: z
    .string()
    .transform((v, ctx): number | string[] => {
      const t = v.trim().toLowerCase();
      if (['0', 'false', 'no', 'off'].includes(t)) return 0;
      if (['true', 'yes', 'on'].includes(t)) return 1;
      if (/^\d{1,2}$/.test(t)) return Number(t);
      const list = t.split(',').map((x) => x.trim());
      const named = ['loopback', 'linklocal', 'uniquelocal'];
      if (list.every((x) => named.includes(x) || /^[0-9a-f.:]+(\/\d{1,3})?$/.test(x))) return list;
      ctx.addIssue({
        code: 'custom',
        message: 'must be 0, a number of proxy hops, or proxy addresses/CIDRs',
      });
      return z.NEVER;
    })
    .default(0),
  /** Built-in MQTT listener (docs/contract.md "MQTT"): off when unset. */
  MQTT_PORT: int(0, 65535).optional(),
  /** Address the MQTT listener binds; unset: the same as HOST. */
  MQTT_HOST: z.string().min(1).optional(),
  /** PEM files: with both set, the listener speaks MQTT over TLS only. */
  MQTT_TLS_CERT: z.string().min(1).optional(),
  MQTT_TLS_KEY: z.string().min(1).optional(),
  /** QoS 1 messages of one connection stored at once (MQTT 5 Receive Maximum); reading pauses beyond it. */
  MQTT_MAX_INFLIGHT: int(1, 1000).default(16),
  /** Connections one ingest token may hold at once; more are refused (quota exceeded). */
  MQTT_MAX_CONNECTIONS_PER_TOKEN: int(1, 10_000).default(8),
  /** Failed CONNECTs (unknown or revoked token) per client address and minute; beyond it CONNACK 0x9F, no lookup. */
  MQTT_MAX_AUTH_FAILURES: int(1, 100_000).default(20),
  /** Connections the listener holds in all. */
  MQTT_MAX_CONNECTIONS: int(1, 1_000_000).default(10_000),
  /** How long a QoS 1 message waits out overload or a storage outage before its connection is closed unacknowledged. */
  MQTT_RETRY_MS: int(0, 3_600_000).default(30_000),
  /** An existing broker to take telemetry from (mqtt://, mqtts://): a persistent QoS 1 subscription. */
  MQTT_URL: z
    .string()
    .regex(/^mqtts?:\/\//, { message: 'must be mqtt://host:port or mqtts://host:port' })
    .optional(),
  /** Topic filters on MQTT_URL, comma-separated; the one `+` level is the site code. */
  MQTT_TOPIC: z
    .string()
    .refine(
      (v) =>
        v.split(',').every(
          (f) =>
            f
              .trim()
              .split('/')
              .filter((l) => l === '+').length === 1 && !f.includes('#'),
        ),
      {
        message: 'must be topic filters with exactly one + level (the site code) and no #, comma-separated',
      },
    )
    .default('dcfleet/+/telemetry'),
  /** Sparkplug B topic filter on MQTT_URL (edge nodes placed by the Sparkplug mappings); `none`: not subscribed. */
  MQTT_SPARKPLUG_TOPIC: z
    .string()
    .refine((v) => v === 'none' || v.startsWith('spBv1.0/'), {
      message: 'must be a spBv1.0/… topic filter or none',
    })
    .default('spBv1.0/#'),
  /** Client id of the persistent session on MQTT_URL (one per deployment: instances share the subscription). */
  MQTT_CLIENT_ID: z
    .string()
    .regex(/^[a-zA-Z0-9_.:-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ . : -' })
    .default('dcfleet-bridge'),
  /** Where the bridge publishes each message's receipt or refusal; `{site}` is the site code; `none`: nowhere. */
  MQTT_RECEIPT_TOPIC: z.string().default('dcfleet/{site}/receipts'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  DASHBOARD_DIR: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Minimum strength for a production admin password. */
export function weakPasswordReason(password: string | undefined): string | undefined {
  if (!password) return 'is required when DEMO=0 (it creates the first admin)';
  if (password.length < 12) return 'must be at least 12 characters when DEMO=0';
  if (/^(.)\1+$/.test(password) || /^(password|admin|changeme)/i.test(password))
    return 'is too easy to guess';
  return undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once; every bad variable gets its own line in the error. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" (common in env files and compose files).
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = issue.path.join('.') || '(env)';
      problems.push(`${key} ${issue.message}`);
    }
  }
  // Checked even when other variables are bad, so one boot reports every problem.
  const demo = envSchema.shape.DEMO.safeParse(cleaned.DEMO);
  if (demo.success && !demo.data) {
    const reason = weakPasswordReason(cleaned.ADMIN_PASSWORD);
    if (reason) problems.push(`ADMIN_PASSWORD ${reason}`);
  }
  if (!cleaned.MQTT_TLS_CERT !== !cleaned.MQTT_TLS_KEY)
    problems.push('MQTT_TLS_CERT and MQTT_TLS_KEY must be set together (the listener speaks TLS with both)');
  if (!result.success || problems.length) throw new ConfigError(problems);
  return result.data;
}
