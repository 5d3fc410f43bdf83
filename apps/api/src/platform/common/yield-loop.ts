let betweenSlices: (() => void) | undefined;

/**
 * Runs `hook` at every yieldLoop of this thread: the SQLite writer thread gives way there to writes of the main
 * thread's connection (platform/database/sqlite-write-gate.ts), since its slices are separate transactions.
 */
export function onYield(hook: () => void): void {
  betweenSlices = hook;
}

/** Resolves after the event loop's pending I/O callbacks have run: long work slices itself with it. */
export const yieldLoop = (): Promise<void> => {
  betweenSlices?.();
  return new Promise<void>((resolve) => setImmediate(resolve));
};
