import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../platform/observability/metrics.service';

/** Alarm metrics on the app's registry (GET /metrics). */
@Injectable()
export class AlarmMetrics {
  readonly transitions: Counter<'event' | 'severity'>;
  readonly active: Gauge;
  readonly queued: Gauge;
  readonly droppedBatches: Counter;
  readonly webhookDeliveries: Counter<'result'>;
  readonly evalSeconds: Counter;
  readonly storeSeconds: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.transitions = new Counter({
      name: 'dcfleet_alarm_transitions_total',
      help: 'Alarms raised, cleared and acknowledged by this instance',
      labelNames: ['event', 'severity'],
      registers,
    });
    this.active = new Gauge({
      name: 'dcfleet_alarms_active',
      help: 'Active alarms known to this instance',
      registers,
    });
    this.queued = new Gauge({
      name: 'dcfleet_alarm_eval_queue_batches',
      help: 'Ingest batches waiting for alarm evaluation',
      registers,
    });
    this.droppedBatches = new Counter({
      name: 'dcfleet_alarm_eval_dropped_batches_total',
      help: 'Ingest batches not evaluated because the evaluation queue was full',
      registers,
    });
    this.evalSeconds = new Counter({
      name: 'dcfleet_alarm_eval_seconds_total',
      help: 'Time spent evaluating ingest batches against the alarm rules (main thread)',
      registers,
    });
    this.storeSeconds = new Counter({
      name: 'dcfleet_alarm_store_seconds_total',
      help: 'Time spent writing alarm transitions (one transaction per flush)',
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'dcfleet_alarm_webhook_deliveries_total',
      help: 'Webhook delivery attempts by result (ok | retry | failed | dropped)',
      labelNames: ['result'],
      registers,
    });
  }
}
