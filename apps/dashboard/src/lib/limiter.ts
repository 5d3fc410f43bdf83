/**
 * Runs at most `max` tasks at a time; the rest wait in order. A task whose signal aborts while it waits is
 * dropped without running. Used for the fleet tiles' trend requests, so 25 of them do not occupy every
 * connection the browser allows per host (the page the user opens next would wait behind them).
 */
export type Limiter = <T>(signal: AbortSignal, task: () => Promise<T>) => Promise<T>;

function abortError(): DOMException {
  return new DOMException('The operation was aborted.', 'AbortError');
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const waiting: { start: () => void; signal: AbortSignal; cancel: () => void }[] = [];

  const next = () => {
    while (active < max && waiting.length > 0) {
      const item = waiting.shift()!;
      if (item.signal.aborted) {
        item.cancel();
        continue;
      }
      item.start();
    }
  };

  return <T>(signal: AbortSignal, task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortError());
        return;
      }
      const start = () => {
        active++;
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      };
      const cancel = () => reject(abortError());
      const item = { start, signal, cancel };
      signal.addEventListener(
        'abort',
        () => {
          const i = waiting.indexOf(item);
          if (i >= 0) {
            waiting.splice(i, 1);
            cancel();
          }
        },
        { once: true },
      );
      waiting.push(item);
      next();
    });
}
