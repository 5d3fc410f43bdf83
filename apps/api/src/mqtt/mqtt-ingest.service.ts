import { HttpException, Injectable, Logger } from '@nestjs/common';
import type { IngestRejection, IngestResponse } from '@dcfleet/contracts';
import type { Precision } from '@dcfleet/line-protocol';
import type { IPublishPacket } from 'mqtt-packet';
import { IngestDecoder, IngestService } from '../ingest/ingest.module';
import type { IngestPrincipal } from '../platform/access/access.types';
import { AppConfig } from '../platform/config/app-config';
import { RetryLater } from '../platform/common/retry-later';
import { SparkplugService } from '../sparkplug/sparkplug.module';

/** What an MQTT message's payload is: the JSON body of POST /api/v1/ingest, or line protocol. */
export type MqttFormat = { kind: 'json' } | { kind: 'line'; precision: Precision };

export type MqttStoreResult =
  | {
      ok: true;
      /** Absent when the message stored nothing and was not refused either (a Sparkplug birth, death or command). */
      response?: IngestResponse;
      /** What became of a message without a receipt. */
      note?: string;
      /** Line-protocol lines dropped from a partial write (the rest is stored), as POST /api/v1/write names them. */
      problems: string[];
    }
  | {
      ok: false;
      /** The HTTP status the same body would have been answered with. */
      status: number;
      reason: string;
      rejected?: IngestRejection[];
      /** Overload, storage outage or internal error: the same message may succeed later; nothing of it was stored. */
      transient: boolean;
      retryAfterMs?: number;
    };

/** Retries of a transient refusal start this short (an in-flight slot frees within a commit) and double to 1 s. */
const FIRST_RETRY_MS = 20;
const MAX_RETRY_MS = 1_000;

/**
 * The MQTT transports' way into the ingest pipeline: the same decoder, limits, in-flight slots, durability and
 * receipts as the HTTP routes (docs/architecture.md "Ingest transports"), so a PUBACK means what a 200 means.
 */
@Injectable()
export class MqttIngest {
  private readonly logger = new Logger('MqttIngest');

  constructor(
    private readonly ingest: IngestService,
    private readonly decoder: IngestDecoder,
    private readonly config: AppConfig,
    private readonly sparkplug: SparkplugService,
  ) {}

  /** One attempt: stores the message or says why not; never throws for a refusal. */
  async store(
    who: IngestPrincipal,
    format: MqttFormat,
    payload: Buffer,
    idempotencyKey: string | null,
  ): Promise<MqttStoreResult> {
    let done: (() => void) | undefined;
    try {
      done = this.ingest.admit(who.siteId);
      if (payload.length > this.config.env.INGEST_MAX_BODY_BYTES) {
        return refusal(413, `payload of ${payload.length} bytes is over INGEST_MAX_BODY_BYTES`);
      }
      const receivedAt = Date.now();
      if (format.kind === 'json') {
        const json = await this.decoder.decodeJson(payload, receivedAt);
        if ('malformed' in json) return refusal(400, json.malformed);
        if (json.datacenter !== undefined && json.datacenter !== who.siteCode) {
          return refusal(
            403,
            `this token posts only for ${who.siteCode}, not ${String(json.datacenter).slice(0, 40)}`,
          );
        }
        const out = await this.ingest.ingestDecoded(who, json.decoded, idempotencyKey, receivedAt);
        return { ok: true, response: out.response, problems: [] };
      }
      const lines = await this.decoder.decodeLine(payload, format.precision, receivedAt);
      if ('empty' in lines) return refusal(400, lines.empty);
      try {
        const out = await this.ingest.ingestDecoded(who, lines.decoded, idempotencyKey, receivedAt);
        return { ok: true, response: out.response, problems: lines.problems };
      } catch (err) {
        // A batch refused for its samples is explained line by line, as POST /api/v1/write does.
        if (err instanceof HttpException && err.getStatus() === 400 && lines.problems.length)
          return refusal(400, lines.problems.slice(0, 20).join('; '));
        throw err;
      }
    } catch (err) {
      return this.failure(err, who.siteCode);
    } finally {
      done?.();
    }
  }

  /**
   * One attempt at a Sparkplug B message (spBv1.0/…): `who` is the publishing token on the listener, null on the
   * bridge, where the mapping alone decides the site.
   */
  async storeSparkplug(
    who: IngestPrincipal | null,
    topic: string,
    payload: Buffer,
  ): Promise<MqttStoreResult> {
    try {
      const out = await this.sparkplug.handle(
        topic,
        payload,
        who?.siteId ?? null,
        who ? { tokenId: who.tokenId } : {},
      );
      switch (out.kind) {
        case 'stored':
          return {
            ok: true,
            response: { accepted: out.accepted, rejected: out.rejected, receipt: out.receipt },
            problems: [],
          };
        case 'state':
          return { ok: true, note: `${out.site} ${out.online ? 'online' : 'offline'}`, problems: [] };
        case 'ignored':
          return { ok: true, note: out.reason, problems: [] };
        case 'refused':
          return refusal(400, out.reason);
      }
    } catch (err) {
      return this.failure(err, who?.siteCode ?? topic.slice(0, 80));
    }
  }

  /** A thrown refusal as a result: HTTP errors keep their status; anything else is an internal error. */
  private failure(err: unknown, from: string): MqttStoreResult {
    if (err instanceof HttpException) {
      const body = err.getResponse();
      const message =
        typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? err.message);
      const rejected =
        typeof body === 'object' ? (body as { rejected?: IngestRejection[] }).rejected : undefined;
      const out = refusal(err.getStatus(), message, rejected);
      if (err instanceof RetryLater && !out.ok) out.retryAfterMs = err.retryAfterS * 1000;
      return out;
    }
    // Not the message's fault: logged, and retried like an outage — acknowledging it would lose it.
    this.logger.error(`MQTT message from ${from} failed: ${(err as Error).stack ?? String(err)}`);
    return refusal(500, 'internal error; nothing was stored');
  }

  /**
   * Runs `attempt` (one try at storing a message), waiting out overload (429), storage outages (503) and internal
   * errors (500) with backoff — the caller's acknowledgement waits with it, which is the backpressure MQTT has —
   * until it succeeds, is refused for good,
   * `deadline` (epoch ms) passes or `stopped()` says the transport is closing. A transient result comes back only
   * then: the caller must not acknowledge it, so the sender keeps the message.
   */
  async withRetry(
    attempt: () => Promise<MqttStoreResult>,
    deadline: number,
    stopped: () => boolean,
  ): Promise<MqttStoreResult> {
    let wait = FIRST_RETRY_MS;
    for (;;) {
      const out = await attempt();
      if (out.ok || !out.transient || stopped()) return out;
      const delay = Math.min(out.retryAfterMs ?? wait, MAX_RETRY_MS);
      if (Date.now() + delay > deadline) return out;
      await new Promise((r) => setTimeout(r, delay));
      wait = Math.min(wait * 2, MAX_RETRY_MS);
    }
  }
}

function refusal(status: number, reason: string, rejected?: IngestRejection[]): MqttStoreResult {
  return {
    ok: false,
    status,
    reason,
    ...(rejected?.length ? { rejected: rejected.slice(0, 1000) } : {}),
    transient: status === 429 || status >= 500,
  };
}

/** The receipt a transport publishes back for one message (docs/contract.md "MQTT"). */
export function receiptMessage(topic: string, messageId: number | undefined, out: MqttStoreResult): string {
  const head = { topic, ...(messageId === undefined ? {} : { messageId }) };
  if (out.ok) {
    return JSON.stringify({
      ...head,
      status: out.problems.length ? 400 : 200,
      ...out.response,
      ...(out.note ? { note: out.note } : {}),
      ...(out.problems.length
        ? { error: `partial write: ${out.problems.slice(0, 20).join('; ')} dropped=${out.problems.length}` }
        : {}),
    });
  }
  return JSON.stringify({
    ...head,
    status: out.status,
    error: out.reason,
    ...(out.rejected ? { rejected: out.rejected } : {}),
  });
}

/** The metrics' outcome of a stored or refused message. */
export function outcomeOf(out: MqttStoreResult): 'stored' | 'partial' | 'refused' {
  if (!out.ok) return 'refused';
  return out.problems.length ? 'partial' : 'stored';
}

/** MQTT 5 user property `idempotency-key`: a resend after a lost PUBACK then gets the first receipt back. */
export function idempotencyKeyOf(p: IPublishPacket): string | null {
  const raw = p.properties?.userProperties?.['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (typeof key !== 'string' || !key || key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) return null;
  return key;
}
