import { Redis } from 'ioredis';
import { LoginLimiter, RedisLoginLimiter } from './login-limiter';

describe('LoginLimiter (memory)', () => {
  it('counts an attempt when it is acquired, refuses beyond the limit with the wait, forgives on success', () => {
    const l = new LoginLimiter(2, 60_000);
    const keys = l.keysOf('Admin', '10.0.0.1');
    expect(l.acquire(keys, 0)).toBe(0);
    expect(l.acquire(keys, 1000)).toBe(0);
    expect(l.acquire(keys, 2000)).toBe(58); // the first attempt leaves the window at 60 s
    l.succeed(keys);
    expect(l.acquire(keys, 3000)).toBe(0);
  });

  it('forgets the least recently used keys beyond maxKeys, not all of them', () => {
    const l = new LoginLimiter(1, 60_000, 6);
    l.acquire(l.keysOf('a', '1'), 0); // 3 keys
    l.acquire(l.keysOf('b', '2'), 1); // 6 keys
    l.acquire(l.keysOf('c', '3'), 2); // evicts a's
    expect(l.acquire(l.keysOf('a', '1'), 3)).toBe(0);
    expect(l.acquire(l.keysOf('c', '3'), 4)).toBeGreaterThan(0);
  });
});

describe('RedisLoginLimiter', () => {
  it('falls back to this instance’s memory when Redis does not answer: throttling degrades, never stops', async () => {
    const redis = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    });
    redis.on('error', () => undefined);
    const l = new RedisLoginLimiter(redis, 'test', new LoginLimiter(1));
    const keys = l.keysOf('admin', '10.0.0.2');
    expect(await l.acquire(keys)).toBe(0);
    expect(await l.acquire(keys)).toBeGreaterThan(0);
    redis.disconnect();
  });

  const url = process.env.TEST_REDIS_URL;
  (url ? it : it.skip)('shares the counts of every instance through Redis', async () => {
    const prefix = `dcfleet-test-limiter-${process.pid}-${Date.now()}`;
    const [r1, r2] = [new Redis(url!), new Redis(url!)];
    try {
      const a = new RedisLoginLimiter(r1, prefix, new LoginLimiter(2));
      const b = new RedisLoginLimiter(r2, prefix, new LoginLimiter(2));
      const keys = a.keysOf('admin', '10.0.0.3');
      // Parallel attempts on both "instances": exactly the limit get through.
      const waits = await Promise.all([a, b, a, b, a, b].map((l) => l.acquire(keys)));
      expect(waits.filter((w) => w === 0)).toHaveLength(2);
      const userKeys = [`${prefix}:login:user:admin`, `${prefix}:login:user-ip:admin|10.0.0.3`];
      expect(await r1.exists(...userKeys)).toBe(2);
      expect(await b.unlock('ADMIN')).toBeGreaterThanOrEqual(2);
      expect(await r1.exists(...userKeys)).toBe(0);
      expect(await r1.exists(`${prefix}:login:ip:10.0.0.3`)).toBe(1); // an address's own count stays
    } finally {
      r1.disconnect();
      r2.disconnect();
    }
  });
});
