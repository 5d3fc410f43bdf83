import { describe, expect, it } from 'vitest';
import { createLimiter } from './limiter';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createLimiter', () => {
  it('runs at most max tasks at once, in order', async () => {
    const limit = createLimiter(2);
    const started: number[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((g, i) =>
      limit(new AbortController().signal, async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[0]!.resolve();
    await runs[0];
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
  });

  it('drops a waiting task whose signal aborts, without running it', async () => {
    const limit = createLimiter(1);
    const gate = deferred();
    let ran = false;
    const first = limit(new AbortController().signal, () => gate.promise);
    const controller = new AbortController();
    const second = limit(controller.signal, async () => {
      ran = true;
    });
    controller.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    gate.resolve();
    await first;
    expect(ran).toBe(false);
  });

  it('rejects at once when already aborted', async () => {
    const c = new AbortController();
    c.abort();
    await expect(createLimiter(1)(c.signal, async () => 1)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
