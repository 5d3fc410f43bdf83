import type { Worker } from 'node:worker_threads';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Precision } from '@dcfleet/line-protocol';
import { startWorker } from '../platform/common/ts-worker';
import { AppConfig } from '../platform/config/app-config';
import {
  decodeBody,
  type BodyFormat,
  type DecodeLimits,
  type JsonDecodeOutcome,
  type LineDecodeOutcome,
} from './batch-decode';
import type { DecodeRequest, DecodeResponse } from './ingest-decode.protocol';

/** Below this a body is decoded where it arrived: shipping it to a thread and back costs more than it saves. */
export const DECODE_OFFLOAD_BYTES = 32 * 1024;

type Outcome = JsonDecodeOutcome | LineDecodeOutcome;

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (out: Outcome) => void; reject: (err: Error) => void }>;
}

/**
 * Decodes large ingest bodies, JSON and line protocol, on worker threads (INGEST_DECODE_WORKERS). Parsing,
 * validation and hashing of a 5,000-sample batch hold a thread for tens of milliseconds; on the main thread that
 * stalls every other request's database round trips. A worker that dies fails nothing: its requests are decoded
 * here instead.
 */
@Injectable()
export class IngestDecoder implements OnModuleDestroy {
  private readonly logger = new Logger('IngestDecoder');
  private readonly slots: (Slot | undefined)[];
  private nextId = 1;
  /** After a decoder thread failed, decode here until then instead of starting threads that may fail again. */
  private pausedUntil = 0;

  constructor(private readonly config: AppConfig) {
    this.slots = new Array<Slot | undefined>(config.decodeWorkers).fill(undefined);
  }

  limits(now: number): DecodeLimits {
    const env = this.config.env;
    return { now, maxAgeMs: env.INGEST_MAX_AGE_DAYS * 86_400_000, maxSamples: env.INGEST_MAX_SAMPLES };
  }

  /** A JSON ingest body (POST /api/v1/ingest). */
  decodeJson(body: Buffer, now: number): Promise<JsonDecodeOutcome> {
    return this.decode(body, { kind: 'json' }, now) as Promise<JsonDecodeOutcome>;
  }

  /** A line-protocol body (POST /api/v1/write); points without a timestamp take `now`. */
  decodeLine(body: Buffer, precision: Precision, now: number): Promise<LineDecodeOutcome> {
    return this.decode(body, { kind: 'line', precision }, now) as Promise<LineDecodeOutcome>;
  }

  private async decode(body: Buffer, format: BodyFormat, now: number): Promise<Outcome> {
    const limits = this.limits(now);
    if (this.slots.length === 0 || body.length < DECODE_OFFLOAD_BYTES || Date.now() < this.pausedUntil) {
      return decodeBody(body.toString('utf8'), format, limits);
    }
    try {
      return await this.inWorker(body, format, limits);
    } catch (err) {
      this.pausedUntil = Date.now() + 60_000;
      this.logger.warn(
        `decoder thread failed, decoding on the main thread for a minute: ${(err as Error).message}`,
      );
      return decodeBody(body.toString('utf8'), format, limits);
    }
  }

  private inWorker(body: Buffer, format: BodyFormat, limits: DecodeLimits): Promise<Outcome> {
    const slot = this.leastBusy();
    const id = this.nextId++;
    // A copy is transferred (a memcpy, ~0.1 ms per MB): the original stays usable if the thread fails.
    const bytes = new Uint8Array(body);
    return new Promise<Outcome>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, body: bytes, format, limits } satisfies DecodeRequest, [
        bytes.buffer as ArrayBuffer,
      ]);
    });
  }

  private leastBusy(): Slot {
    let best = -1;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (!s) return this.start(i);
      if (best < 0 || s.pending.size < this.slots[best]!.pending.size) best = i;
    }
    return this.slots[best]!;
  }

  private start(i: number): Slot {
    // 16 MB of young generation: a 5,000-sample decode's working set lives for the whole decode, and with 4 MB it
    // outlived two scavenges, was promoted and then freed by a full GC every ~0.1 s (with concurrent marking on the
    // GC helper threads). 16 MB was the fastest of 4, 8, 16 and 32 in bench:ingest, +15-20 % samples/s (CHANGELOG).
    const worker = startWorker(__dirname, 'ingest-decode.worker', {}, { youngMb: 16, oldMb: 128 });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (msg: DecodeResponse) => {
      const p = slot.pending.get(msg.id);
      if (!p) return;
      slot.pending.delete(msg.id);
      if ('error' in msg) p.reject(new Error(msg.error));
      else p.resolve(msg.out);
    });
    const fail = (err: Error) => {
      if (this.slots[i] === slot) this.slots[i] = undefined; // the next request starts a new thread
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`decoder thread exited (${code})`)));
    // An idle decoder must not keep the process alive (tests, CLI).
    worker.unref();
    this.slots[i] = slot;
    return slot;
  }

  /** Threads currently running (for tests). */
  get running(): number {
    return this.slots.filter(Boolean).length;
  }

  async onModuleDestroy(): Promise<void> {
    const slots = this.slots.filter((s): s is Slot => !!s);
    this.slots.fill(undefined);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
