/** Resolves after the event loop's pending I/O callbacks have run: long work slices itself with it. */
export const yieldLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
