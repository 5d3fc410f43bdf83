import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { AlarmInfo, AlarmWebhookEvent, AlarmWebhookPayload } from '@dcfleet/contracts';
import { AppConfig } from '../platform/config/app-config';
import { AlarmMetrics } from './alarm.metrics';

interface Delivery {
  url: string;
  event: AlarmWebhookEvent;
  alarm: AlarmInfo;
  /** Enqueue order (the oldest is dropped first when the queue is full). */
  seq: number;
  /** Attempts made so far. */
  attempts: number;
  /** Not before this instant (epoch ms). */
  due: number;
}

/** Attempts per delivery: the first plus 4 retries after 1, 2, 4 and 8 × ALARM_WEBHOOK_RETRY_MS. */
export const WEBHOOK_MAX_ATTEMPTS = 5;
export const WEBHOOK_TIMEOUT_MS = 5000;
/** Endpoints called at the same time (one request at a time per endpoint). */
const CONCURRENCY = 4;

/** Only absolute http(s) URLs are ever called (rule URLs are validated on input; this guards the rest). */
export function isWebhookUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Webhook notifications: POST JSON {event, alarm, sentAt} to ALARM_WEBHOOK_URL and to the rule's own URL.
 * Each endpoint gets its events in order, one request at a time (a retried event holds back the later ones
 * for that endpoint only); up to 4 endpoints are called in parallel; 5 s timeout; exponential backoff between
 * attempts (ALARM_WEBHOOK_RETRY_MS × 1, 2, 4, 8; 5 attempts). The queue is in memory and bounded
 * (ALARM_WEBHOOK_QUEUE): when full, the oldest delivery is dropped with a log line. Nothing here is awaited
 * by alarm evaluation, let alone by ingest: a dead endpoint only fills (and trims) this queue.
 */
@Injectable()
export class AlarmWebhooks implements OnApplicationShutdown {
  private readonly logger = new Logger('AlarmWebhooks');
  /** Per endpoint, in order; the head is the one being (re)tried. */
  private readonly queues = new Map<string, Delivery[]>();
  private readonly busy = new Set<string>();
  private size = 0;
  private seq = 0;
  private timer?: NodeJS.Timeout;
  private timerDue = Infinity;
  private stopped = false;
  private dropped = 0;
  private lastDropLog = 0;
  private readonly active = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: AlarmMetrics,
  ) {}

  /** Queues one delivery per distinct URL (the global one and the rule's). */
  notify(event: AlarmWebhookEvent, alarm: AlarmInfo, ruleUrl: string | null): void {
    if (this.stopped) return;
    const urls = new Set<string>();
    if (this.config.env.ALARM_WEBHOOK_URL) urls.add(this.config.env.ALARM_WEBHOOK_URL);
    if (ruleUrl && isWebhookUrl(ruleUrl)) urls.add(ruleUrl);
    const now = Date.now();
    for (const url of urls) {
      let q = this.queues.get(url);
      if (!q) {
        q = [];
        this.queues.set(url, q);
      }
      q.push({ url, event, alarm, seq: this.seq++, attempts: 0, due: now });
      this.size++;
      if (this.size > this.config.env.ALARM_WEBHOOK_QUEUE) this.dropOldest();
    }
    if (urls.size) this.pump();
  }

  /** Deliveries queued or in flight. */
  get pending(): number {
    return this.size;
  }

  private dropOldest(): void {
    let victim: { q: Delivery[]; i: number } | undefined;
    for (const [url, q] of this.queues) {
      const i = this.busy.has(url) ? 1 : 0; // never the one on the wire
      if (i < q.length && (!victim || q[i]!.seq < victim.q[victim.i]!.seq)) victim = { q, i };
    }
    if (!victim) return;
    const [d] = victim.q.splice(victim.i, 1);
    this.size--;
    this.dropped++;
    this.metrics.webhookDeliveries.inc({ result: 'dropped' });
    const now = Date.now();
    // One line per drop, but at most one per second under a flood (with the count since the last line).
    if (now - this.lastDropLog >= 1000) {
      this.logger.warn(
        `webhook queue full (${this.config.env.ALARM_WEBHOOK_QUEUE}): dropped ${this.dropped} oldest deliver${this.dropped === 1 ? 'y' : 'ies'}, ` +
          `latest ${d!.event} alarm ${d!.alarm.id} for ${redact(d!.url)}`,
      );
      this.dropped = 0;
      this.lastDropLog = now;
    }
  }

  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    let nextDue = Infinity;
    for (const [url, q] of this.queues) {
      if (!q.length) {
        this.queues.delete(url);
        continue;
      }
      if (this.busy.has(url)) continue;
      const head = q[0]!;
      if (head.due > now) nextDue = Math.min(nextDue, head.due);
      else if (this.busy.size < CONCURRENCY) this.start(head);
    }
    if (nextDue < Infinity && nextDue < this.timerDue) {
      if (this.timer) clearTimeout(this.timer);
      this.timerDue = nextDue;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.timerDue = Infinity;
        this.pump();
      }, nextDue - now);
      this.timer.unref();
    }
  }

  private start(d: Delivery): void {
    this.busy.add(d.url);
    const p = this.deliver(d)
      .catch(() => false)
      .then((done) => {
        const q = this.queues.get(d.url);
        if (done && q && q[0] === d) {
          q.shift();
          this.size--;
        }
      })
      .finally(() => {
        this.busy.delete(d.url);
        this.active.delete(p);
        this.pump();
      });
    this.active.add(p);
  }

  /** One attempt; true when the delivery is finished (delivered or given up), false to retry it. */
  private async deliver(d: Delivery): Promise<boolean> {
    d.attempts++;
    const payload: AlarmWebhookPayload = { event: d.event, alarm: d.alarm, sentAt: new Date().toISOString() };
    const ctrl = new AbortController();
    this.controllers.add(ctrl);
    const timeout = setTimeout(
      () => ctrl.abort(new Error(`timed out after ${WEBHOOK_TIMEOUT_MS} ms`)),
      WEBHOOK_TIMEOUT_MS,
    );
    let problem: string | undefined;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'dcfleet-alarms/1' },
        body: JSON.stringify(payload),
        redirect: 'manual',
        signal: ctrl.signal,
      });
      await res.arrayBuffer().catch(() => undefined); // free the connection
      if (res.status < 200 || res.status > 299) problem = `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      problem = e.cause?.code ?? e.cause?.message ?? e.message;
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(ctrl);
    }
    if (!problem) {
      this.metrics.webhookDeliveries.inc({ result: 'ok' });
      return true;
    }
    if (this.stopped) return true;
    if (d.attempts >= WEBHOOK_MAX_ATTEMPTS) {
      this.metrics.webhookDeliveries.inc({ result: 'failed' });
      this.logger.warn(
        `webhook ${d.event} alarm ${d.alarm.id} to ${redact(d.url)} failed ${d.attempts} times (${problem}); giving up`,
      );
      return true;
    }
    this.metrics.webhookDeliveries.inc({ result: 'retry' });
    d.due = Date.now() + this.config.env.ALARM_WEBHOOK_RETRY_MS * 2 ** (d.attempts - 1);
    return false;
  }

  /** Waits until the queue is empty (tests); gives up after `timeoutMs`. */
  async drain(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.size) this.logger.warn(`${this.size} webhook deliveries not sent (shutting down)`);
    for (const c of this.controllers) c.abort(new Error('shutting down'));
    await Promise.allSettled([...this.active]);
    this.queues.clear();
    this.size = 0;
  }
}

/** URLs may carry secrets in the query or userinfo: log scheme, host and path only. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
