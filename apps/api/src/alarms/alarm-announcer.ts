import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config';
import { LivePublisher } from '../live/live.module';
import { alarmInfo, type AlarmRecord } from './alarm-model';
import { AlarmWebhooks } from './alarm-webhooks';

/** Alarm events pushed live / queued for webhooks per turn of the event loop. */
const ANNOUNCE_CHUNK = 200;

export type AlarmEvent = 'raised' | 'acknowledged' | 'cleared';

/**
 * Announces alarm transitions once they are stored: live push to the dashboards and the webhooks, in the order
 * they were stored, at most ANNOUNCE_CHUNK per turn of the event loop (a storm of alarms never stalls ingest).
 */
@Injectable()
export class AlarmAnnouncer {
  private readonly webhooksOn: boolean;
  private queue: { event: AlarmEvent; alarm: AlarmRecord & { id: number } }[] = [];
  private announcing = false;

  constructor(
    config: AppConfig,
    private readonly webhooks: AlarmWebhooks,
    @Optional() private readonly live?: LivePublisher,
  ) {
    // ALARMS_ENABLED=0 turns notifications off too; acknowledgements are still pushed live.
    this.webhooksOn = config.env.ALARMS_ENABLED;
  }

  /** Live push and webhooks for a transition, after the ones already queued (events stay in order). */
  announce(event: AlarmEvent, alarm: AlarmRecord & { id: number }): void {
    this.queue.push({ event, alarm: { ...alarm } });
    this.announceSome();
  }

  /** Resolves once everything announced so far has been handed to the live push and the webhooks. */
  async settled(): Promise<void> {
    while (this.queue.length || this.announcing) await new Promise((r) => setImmediate(r));
  }

  private announceSome(): void {
    if (this.announcing) return;
    for (const t of this.queue.splice(0, ANNOUNCE_CHUNK)) this.publish(t.event, t.alarm);
    if (this.queue.length) {
      this.announcing = true;
      setImmediate(() => {
        this.announcing = false;
        this.announceSome();
      });
    }
  }

  private publish(event: AlarmEvent, a: AlarmRecord & { id: number }): void {
    const info = alarmInfo(a);
    if (this.live) void this.live.publishAlarm(info);
    if (this.webhooksOn) this.webhooks.notify(event, info, a.webhookUrl);
  }
}
