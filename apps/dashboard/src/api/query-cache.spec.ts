import { describe, expect, it } from 'vitest';
import { QueryCache } from './query-cache';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('QueryCache', () => {
  it('shares one request per key and stores the result', async () => {
    const cache = new QueryCache();
    let calls = 0;
    const fetcher = async () => {
      calls++;
      return [1, 2];
    };
    const [a, b] = await Promise.all([cache.fetch('k', fetcher), cache.fetch('k', fetcher)]);
    expect(a).toEqual([1, 2]);
    expect(b).toBe(a);
    expect(calls).toBe(1);
    expect(cache.get('k')).toMatchObject({ data: [1, 2], loading: false, error: null });
  });

  it('live updates go into the same entry and notify subscribers', async () => {
    const cache = new QueryCache();
    await cache.fetch('k', async () => [1]);
    let notified = 0;
    cache.subscribe('k', () => notified++);
    cache.setData<number[]>('k', (list) => [...(list ?? []), 2]);
    expect(cache.get('k').data).toEqual([1, 2]);
    expect(notified).toBe(1);
    // Returning the same value (or undefined) changes nothing.
    cache.setData<number[]>('k', (list) => list);
    cache.setData<number[]>('other', () => undefined);
    expect(notified).toBe(1);
    expect(cache.get('other').data).toBeUndefined();
  });

  it('keeps the error and the previous data when a refetch fails', async () => {
    const cache = new QueryCache();
    await cache.fetch('k', async () => 'old');
    await cache.fetch('k', async () => Promise.reject(new Error('boom'))).catch(() => {});
    expect(cache.get('k')).toMatchObject({ data: 'old', error: { message: 'boom' }, loading: false });
  });

  it('cancels a request nobody watches any more, and refetches watched entries on invalidate', async () => {
    const cache = new QueryCache();
    let aborted = false;
    const slow = (signal: AbortSignal) =>
      new Promise<string>((_, reject) =>
        signal.addEventListener(
          'abort',
          () => ((aborted = true), reject(new DOMException('x', 'AbortError'))),
        ),
      );
    const off = cache.subscribe('slow', () => {});
    cache.fetch('slow', slow).catch(() => {});
    off();
    await tick();
    expect(aborted).toBe(true);
    expect(cache.get('slow').loading).toBe(false);
    expect(cache.isInvalid('slow')).toBe(true);

    let n = 0;
    cache.subscribe('w', () => {});
    await cache.fetch('w', async () => ++n);
    cache.invalidate('w');
    await tick();
    expect(cache.get('w').data).toBe(2);
  });

  it('clear forgets every entry', async () => {
    const cache = new QueryCache();
    await cache.fetch('a', async () => 1);
    cache.clear();
    expect(cache.get('a').data).toBeUndefined();
  });
});
