import { QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { createQueryClient } from './query-client';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** A fetcher that resolves when told to, and records its calls and whether its request was aborted. */
function controlled<T>() {
  const calls: { signal: AbortSignal; resolve: (v: T) => void; reject: (e: Error) => void }[] = [];
  const fetcher = ({ signal }: { signal: AbortSignal }) =>
    new Promise<T>((resolve, reject) => {
      calls.push({ signal, resolve, reject });
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    });
  return { fetcher, calls };
}

describe('the data cache (TanStack Query with the dashboard defaults)', () => {
  it('neither retries failed requests nor refetches on focus or reconnect (the live socket covers those)', () => {
    // Stated outright: in a browser the library would retry 3 times, in Node (this test) it does not.
    expect(createQueryClient().getDefaultOptions().queries).toMatchObject({
      retry: false,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
    });
  });

  it('shares one request per key between the components that show it', async () => {
    const client = createQueryClient();
    const { fetcher, calls } = controlled<number[]>();
    const a = new QueryObserver(client, { queryKey: ['k'], queryFn: fetcher });
    const b = new QueryObserver(client, { queryKey: ['k'], queryFn: fetcher });
    const offA = a.subscribe(() => {});
    const offB = b.subscribe(() => {});
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve([1, 2]);
    await tick();
    expect(a.getCurrentResult().data).toEqual([1, 2]);
    expect(b.getCurrentResult().data).toBe(a.getCurrentResult().data);
    offA();
    offB();
  });

  it('shows the cached data while it refetches, and keeps it with the error when the refetch fails', async () => {
    const client = createQueryClient();
    client.setQueryData(['k'], 'old');
    const { fetcher, calls } = controlled<string>();
    const observer = new QueryObserver(client, { queryKey: ['k'], queryFn: fetcher });
    const off = observer.subscribe(() => {});
    await tick();
    // Stale (staleTime 0): a mount refetches, showing the old data meanwhile.
    expect(calls).toHaveLength(1);
    expect(observer.getCurrentResult()).toMatchObject({ data: 'old', isFetching: true });
    calls[0]!.reject(new Error('boom'));
    await tick();
    // No silent retries: the error shows at once, beside the data the user already had.
    expect(calls).toHaveLength(1);
    expect(observer.getCurrentResult()).toMatchObject({
      data: 'old',
      isFetching: false,
      error: { message: 'boom' },
    });
    off();
  });

  it('cancels a request nobody watches any more, and fetches again on the next mount', async () => {
    const client = createQueryClient();
    const { fetcher, calls } = controlled<string>();
    const observer = new QueryObserver(client, { queryKey: ['slow'], queryFn: fetcher });
    const off = observer.subscribe(() => {});
    await tick();
    expect(calls).toHaveLength(1);
    off();
    await tick();
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(client.getQueryState(['slow'])?.fetchStatus).toBe('idle');

    const again = new QueryObserver(client, { queryKey: ['slow'], queryFn: fetcher });
    const offAgain = again.subscribe(() => {});
    await tick();
    expect(calls).toHaveLength(2);
    offAgain();
  });

  it('live updates replace an entry and notify its watchers; undefined leaves it as it was', async () => {
    const client = createQueryClient();
    const observer = new QueryObserver<number[]>(client, {
      queryKey: ['k'],
      queryFn: async () => [1],
      staleTime: Infinity,
    });
    let notified = 0;
    const off = observer.subscribe(() => notified++);
    await tick();
    notified = 0;
    client.setQueryData<number[]>(['k'], (list) => [...(list ?? []), 2]);
    expect(observer.getCurrentResult().data).toEqual([1, 2]);
    expect(notified).toBeGreaterThan(0);
    client.setQueryData<number[]>(['other'], () => undefined);
    expect(client.getQueryData(['other'])).toBeUndefined();
    off();
  });

  it('invalidation refetches what is watched and marks the rest stale', async () => {
    const client = createQueryClient();
    let n = 0;
    const queryFn = async () => ++n;
    const watched = new QueryObserver(client, { queryKey: ['p', 'watched'], queryFn, staleTime: Infinity });
    const off = watched.subscribe(() => {});
    await tick();
    client.setQueryData(['p', 'unwatched'], 0);
    await client.invalidateQueries({ queryKey: ['p'] });
    expect(watched.getCurrentResult().data).toBe(2);
    expect(client.getQueryState(['p', 'unwatched'])?.isInvalidated).toBe(true);
    expect(client.getQueryData(['p', 'unwatched'])).toBe(0);
    off();
  });
});
