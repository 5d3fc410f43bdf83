import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../platform/observability/metrics.service';

/** Live-push metrics, registered on the app's own registry (GET /metrics). */
@Injectable()
export class LiveMetrics {
  readonly clients: Gauge;
  readonly events: Counter<'event'>;
  readonly errors: Counter;
  readonly dropped: Counter<'reason'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.clients = new Gauge({
      name: 'dcfleet_live_clients',
      help: 'Live (socket.io) clients connected to this instance',
      registers,
    });
    this.events = new Counter({
      name: 'dcfleet_live_events_published_total',
      help: 'Live events published by this instance, by event',
      labelNames: ['event'],
      registers,
    });
    this.errors = new Counter({
      name: 'dcfleet_live_publish_errors_total',
      help: 'Live events that could not be published (e.g. Redis unavailable)',
      registers,
    });
    this.dropped = new Counter({
      name: 'dcfleet_live_clients_dropped_total',
      help: 'Live clients disconnected by the server, by reason (slow = send queue over LIVE_CLIENT_MAX_QUEUE)',
      labelNames: ['reason'],
      registers,
    });
  }
}
