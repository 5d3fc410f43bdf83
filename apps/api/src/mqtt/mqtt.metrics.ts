import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../platform/observability/metrics.service';

/** `listener`: the built-in MQTT server; `bridge`: the subscription on an existing broker (MQTT_URL). */
export type MqttTransport = 'listener' | 'bridge';

/** MQTT metrics, on the app's own registry (GET /metrics). */
@Injectable()
export class MqttMetrics {
  readonly connections: Gauge<'transport'>;
  readonly connectRefused: Counter<'reason'>;
  readonly messages: Counter<'transport' | 'qos' | 'outcome'>;
  readonly ackSeconds: Histogram<'transport'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.connections = new Gauge({
      name: 'dcfleet_mqtt_connections',
      help: 'MQTT connections open on this instance (listener: gateways; bridge: 1 when subscribed to MQTT_URL)',
      labelNames: ['transport'],
      registers,
    });
    this.connectRefused = new Counter({
      name: 'dcfleet_mqtt_connect_refused_total',
      help: 'MQTT connections refused by the listener, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.messages = new Counter({
      name: 'dcfleet_mqtt_messages_total',
      help:
        'MQTT messages by transport, QoS and outcome (stored | partial | refused | dropped: QoS 0 over the ' +
        'in-flight limit | unacked: a transient failure left for the sender to resend)',
      labelNames: ['transport', 'qos', 'outcome'],
      registers,
    });
    this.ackSeconds = new Histogram({
      name: 'dcfleet_mqtt_ack_seconds',
      help: 'From a QoS 1 message received to its acknowledgement (after the commit)',
      labelNames: ['transport'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }
}
