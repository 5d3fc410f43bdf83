import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../platform/config/app-config';

/**
 * Login throttling: at most `limit` failed attempts per minute per client address and per (username, address),
 * and `limit × USER_WIDE` per username from all addresses together (a distributed guess). Keying the username
 * with the address means one attacker cannot lock the real admin out from the admin's own machine.
 *
 * An attempt is counted as failed *before* the password is checked (`acquire`) and forgiven on success: checking,
 * then waiting for argon2, then counting would let parallel attempts all pass the check.
 *
 * In memory per instance, bounded: beyond `maxKeys` the least recently used keys are forgotten (never all at once).
 * With REDIS_URL the counts live in Redis instead (RedisLoginLimiter), shared by every instance.
 */
export const USER_WIDE = 10;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 100_000,
  ) {}

  /** The keys of one attempt, with their limits. */
  keysOf(username: string, ip: string | null): { key: string; limit: number }[] {
    const user = username.toLowerCase();
    const addr = ip ?? '?';
    return [
      { key: `ip:${addr}`, limit: this.limit },
      { key: `user-ip:${user}|${addr}`, limit: this.limit },
      { key: `user:${user}`, limit: this.limit * USER_WIDE },
    ];
  }

  /**
   * Seconds to wait (nothing counted), or 0: the attempt is allowed and already counted as a failure until
   * `succeed` forgives it.
   */
  acquire(keys: { key: string; limit: number }[], now = Date.now()): number {
    let wait = 0;
    for (const { key, limit } of keys) {
      const list = this.prune(key, now);
      if (list.length >= limit) wait = Math.max(wait, Math.ceil((list[0]! + this.windowMs - now) / 1000));
    }
    if (wait > 0) return wait;
    for (const { key } of keys) this.touch(key, [...this.prune(key, now), now]);
    return 0;
  }

  /** A successful login clears its keys (the failures before it were the user's own typos). */
  succeed(keys: { key: string }[]): void {
    for (const { key } of keys) this.failures.delete(key);
  }

  /** An admin lifts a username's lockout (this instance): its per-user and per-(user, address) counts. */
  unlock(username: string): number {
    const user = username.toLowerCase();
    let n = 0;
    for (const key of [...this.failures.keys()])
      if (key === `user:${user}` || key.startsWith(`user-ip:${user}|`)) {
        this.failures.delete(key);
        n++;
      }
    return n;
  }

  private prune(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const live = list.filter((t) => now - t < this.windowMs);
    if (live.length === 0) this.failures.delete(key);
    return live;
  }

  /** Stores a key as the most recently used; evicts the least recently used beyond maxKeys. */
  private touch(key: string, list: number[]): void {
    this.failures.delete(key);
    this.failures.set(key, list);
    while (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }
}

/**
 * Caps concurrent password verifications: each argon2id check holds 64 MiB and a libuv thread (shared with gzip
 * and file I/O), so a burst of logins must queue, and beyond the queue be refused, instead of starving ingest.
 */
export class VerifyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxQueue: number,
  ) {}

  /** Runs `fn` when a slot is free; undefined when the queue is full (the caller answers 503). */
  async run<T>(fn: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueue) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return { value: await fn() };
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** Where failed-login counts live: this instance's memory, or Redis shared by every instance. */
export interface AttemptStore {
  keysOf(username: string, ip: string | null): { key: string; limit: number }[];
  /** Seconds to wait (nothing counted), or 0: counted as a failure until `succeed`. */
  acquire(keys: { key: string; limit: number }[]): Promise<number>;
  succeed(keys: { key: string }[]): Promise<void>;
  /** Lifts a username's lockout; resolves the number of keys cleared. */
  unlock(username: string): Promise<number>;
}

/**
 * The same sliding windows in Redis (one sorted set of attempt times per key, checked and added by one Lua script, so
 * parallel attempts on several instances cannot all pass). If Redis does not answer, the attempt is judged by this
 * instance's memory instead — throttling degrades to per instance, it never stops.
 */
export class RedisLoginLimiter implements AttemptStore {
  private readonly logger = new Logger('LoginLimiter');
  private warned = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly local: LoginLimiter,
    private readonly windowMs = 60_000,
  ) {}

  keysOf(username: string, ip: string | null): { key: string; limit: number }[] {
    return this.local.keysOf(username, ip);
  }

  private k(key: string): string {
    return `${this.prefix}:login:${key}`;
  }

  async acquire(keys: { key: string; limit: number }[]): Promise<number> {
    try {
      const wait = (await this.redis.eval(
        ACQUIRE,
        keys.length,
        ...keys.map((x) => this.k(x.key)),
        Date.now(),
        this.windowMs,
        randomUUID(),
        ...keys.map((x) => x.limit),
      )) as number;
      return Number(wait);
    } catch (err) {
      this.degraded(err);
      return this.local.acquire(keys);
    }
  }

  async succeed(keys: { key: string }[]): Promise<void> {
    this.local.succeed(keys);
    await this.redis.del(...keys.map((x) => this.k(x.key))).catch((err: unknown) => this.degraded(err));
  }

  async unlock(username: string): Promise<number> {
    const user = username.toLowerCase();
    let n = this.local.unlock(username);
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(
        cursor,
        'MATCH',
        this.k(`user-ip:${escapeGlob(user)}|*`),
        'COUNT',
        500,
      );
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    found.push(this.k(`user:${user}`));
    n += await this.redis.del(...found);
    return n;
  }

  private degraded(err: unknown): void {
    // At most one warning a minute: a Redis outage must not flood the log with one line per login.
    if (Date.now() - this.warned < 60_000) return;
    this.warned = Date.now();
    this.logger.warn(
      `Redis unavailable, login throttling is per instance meanwhile: ${(err as Error).message}`,
    );
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * KEYS: the attempt's keys. ARGV: now, window ms, a unique member, then each key's limit. Drops expired attempts;
 * if any key is at its limit returns the seconds until its oldest attempt leaves the window (nothing added);
 * otherwise adds the attempt to every key and returns 0.
 */
const ACQUIRE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    wait = math.max(wait, math.ceil((oldest + window - now) / 1000))
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
end
return 0
`;

/** In memory: the LoginLimiter as an AttemptStore. */
class LocalAttempts implements AttemptStore {
  constructor(private readonly limiter: LoginLimiter) {}
  keysOf(username: string, ip: string | null) {
    return this.limiter.keysOf(username, ip);
  }
  async acquire(keys: { key: string; limit: number }[]): Promise<number> {
    return this.limiter.acquire(keys);
  }
  async succeed(keys: { key: string }[]): Promise<void> {
    this.limiter.succeed(keys);
  }
  async unlock(username: string): Promise<number> {
    return this.limiter.unlock(username);
  }
}

/** The login throttle (shared by login and the admin's unlock): attempt counts, and the verification gate. */
@Injectable()
export class LoginThrottle implements OnApplicationShutdown {
  readonly attempts: AttemptStore;
  readonly gate: VerifyGate;
  private readonly redis: Redis | undefined;

  constructor(config: AppConfig) {
    const local = new LoginLimiter(config.env.LOGIN_RATE_LIMIT);
    const url = config.env.REDIS_URL;
    if (url) {
      // Fail fast rather than queue: a login must not wait for a Redis that is not there.
      this.redis = new Redis(url, {
        connectionName: 'dcfleet-login',
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      });
      this.redis.on('error', () => undefined); // reported by RedisLoginLimiter when an attempt needs it
      this.attempts = new RedisLoginLimiter(this.redis, config.env.REDIS_PREFIX, local);
    } else {
      this.attempts = new LocalAttempts(local);
    }
    this.gate = new VerifyGate(config.env.LOGIN_CONCURRENCY, config.env.LOGIN_CONCURRENCY * 16);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
