import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/**
 * Login throttling: at most `limit` failed attempts per minute per client address and per (username, address),
 * and `limit × USER_WIDE` per username from all addresses together (a distributed guess). Keying the username
 * with the address means one attacker cannot lock the real admin out from the admin's own machine.
 *
 * An attempt is counted as failed *before* the password is checked (`acquire`) and forgiven on success: checking,
 * then waiting for argon2, then counting would let parallel attempts all pass the check.
 *
 * In memory per instance, bounded: beyond `maxKeys` the least recently used keys are forgotten (never all at once).
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

/** The instance's login throttle (shared by login and the admin's unlock). */
@Injectable()
export class LoginThrottle {
  readonly limiter: LoginLimiter;
  readonly gate: VerifyGate;

  constructor(config: AppConfig) {
    this.limiter = new LoginLimiter(config.env.LOGIN_RATE_LIMIT);
    this.gate = new VerifyGate(config.env.LOGIN_CONCURRENCY, config.env.LOGIN_CONCURRENCY * 16);
  }
}
