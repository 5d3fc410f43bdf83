import { parentPort, type Worker } from 'node:worker_threads';
import { startWorker } from './ts-worker';

export interface WorkerRequest {
  id: number;
  op: string;
  args: unknown[];
}

export type WorkerResponse =
  { id: number; result: unknown } | { id: number; error: { message: string; code?: string } };

export interface WorkerSpec {
  /** Directory and base name of the worker's module (ts-worker.ts). */
  dir: string;
  name: string;
  data: Record<string, unknown>;
  limits: { youngMb: number; oldMb: number };
  /** What in-flight calls fail with when the thread is gone: "<what> stopped: …", error code `code`. */
  what: string;
  code: string;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * Calls into one worker thread by request id. The thread starts on the first call; if it dies, the calls in
 * flight fail (as a storage outage, with the spec's code) and the next call starts a new one.
 */
export class WorkerClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly spec: WorkerSpec) {}

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const { dir, name, data, limits, what, code } = this.spec;
    const worker = startWorker(dir, name, data, limits);
    worker.on('message', (msg: WorkerResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ('error' in msg) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else p.resolve(msg.result);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(Object.assign(new Error(`${what} stopped: ${err.message}`), { code }));
      }
    };
    worker.on('error', fail);
    worker.on('exit', (c) => fail(new Error(`exit ${c}`)));
    this.worker = worker;
    return worker;
  }

  call<T>(op: string, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, op, args } satisfies WorkerRequest, transfer);
    });
  }

  /** Lets the thread release what it holds (its `close` op), then ends it. Nothing to do if it never started. */
  async close(): Promise<void> {
    if (!this.worker) return;
    await this.call('close', []).catch(() => undefined);
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

/** The worker side: answers each request in arrival order of completion, errors as messages. */
export function serveRequests(
  handle: (req: WorkerRequest) => Promise<{ result: unknown; transfer?: ArrayBuffer[] }>,
): void {
  const port = parentPort!;
  port.on('message', (req: WorkerRequest) => {
    handle(req).then(
      ({ result, transfer }) =>
        port.postMessage({ id: req.id, result } satisfies WorkerResponse, transfer ?? []),
      (err: unknown) => {
        const e = err as { message?: string; code?: string };
        port.postMessage({
          id: req.id,
          error: { message: e?.message ?? String(err), code: e?.code },
        } satisfies WorkerResponse);
      },
    );
  });
}
