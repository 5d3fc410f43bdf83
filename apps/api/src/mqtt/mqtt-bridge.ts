import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { IngestPrincipal } from '../platform/access/access.types';
import { AppConfig } from '../platform/config/app-config';
import { SitesService } from '../sites/sites.module';
import { MqttIngest, outcomeOf, receiptMessage, type MqttStoreResult } from './mqtt-ingest.service';
import { pubackReason } from './mqtt-reasons';
import { MqttMetrics } from './mqtt.metrics';
import { siteOfTopic, sniffFormat, SPARKPLUG_PREFIX } from './mqtt-topics';

/** Receipts record which credential delivered a batch; bridged messages carry none of their own. */
export const BRIDGE_TOKEN_ID = 'mqtt-bridge';

/**
 * Takes telemetry from an existing broker (MQTT_URL): a persistent MQTT 5 session (clean start off, a session that
 * never expires) subscribed at QoS 1 to MQTT_TOPIC, whose `+` level names the site, and to MQTT_SPARKPLUG_TOPIC,
 * whose edge nodes the Sparkplug mappings place. Each message is acknowledged
 * only after it is durable, so what the broker holds survives a dcfleet restart (docs/architecture.md "Ingest
 * transports"). MQTT.js hands over one message at a time and waits for its acknowledgement, so the bridge stores
 * in order, one message per commit.
 */
@Injectable()
export class MqttBridge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MqttBridge');
  private client: MqttClient | undefined;
  private stopping = false;
  private filters: string[] = [];
  private lastError = '';

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: MqttIngest,
    private readonly sites: SitesService,
    private readonly metrics: MqttMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const env = this.config.env;
    if (!env.MQTT_URL) return;
    this.filters = env.MQTT_TOPIC.split(',').map((f) => f.trim());
    const subscriptions =
      env.MQTT_SPARKPLUG_TOPIC === 'none' ? this.filters : [...this.filters, env.MQTT_SPARKPLUG_TOPIC];
    const options: IClientOptions = {
      clientId: env.MQTT_CLIENT_ID,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 0xffffffff },
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      resubscribe: true,
      customHandleAcks: (topic, message, packet, done) => {
        void this.onMessage(topic, message, packet.qos).then((code) => {
          // undefined: not durable and the bridge is stopping — no acknowledgement, the broker redelivers.
          if (code !== undefined) done(code);
        });
      },
    };
    const client = connect(env.MQTT_URL, options);
    this.client = client;
    client.on('connect', (ack) => {
      this.metrics.connections.set({ transport: 'bridge' }, 1);
      this.lastError = '';
      this.logger.log(
        `connected to ${redact(env.MQTT_URL!)} as ${env.MQTT_CLIENT_ID} (session ${ack.sessionPresent ? 'resumed' : 'new'})`,
      );
      // Even on a resumed session: MQTT_TOPIC may have changed since it was made.
      client.subscribe(subscriptions, { qos: 1 }, (err) => {
        if (err) this.logger.error(`subscribe to ${subscriptions.join(', ')} failed: ${err.message}`);
      });
    });
    client.on('close', () => this.metrics.connections.set({ transport: 'bridge' }, 0));
    client.on('error', (err) => {
      // Logged once per distinct error while it keeps failing (MQTT.js reconnects every second).
      if (err.message === this.lastError) return;
      this.lastError = err.message;
      this.logger.warn(`broker ${redact(env.MQTT_URL!)}: ${err.message}`);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    if (!client) return;
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }

  /** The PUBACK reason code for a message, or undefined to leave it unacknowledged. */
  private async onMessage(topic: string, payload: Buffer, qos: number): Promise<number | undefined> {
    const received = Date.now();
    const stop = () => this.stopping;
    const sparkplug = topic.startsWith(SPARKPLUG_PREFIX);
    const code = sparkplug ? undefined : siteOfTopic(this.filters, topic);
    const site = code ? await this.sites.get(code).catch(() => undefined) : undefined;
    let out: MqttStoreResult;
    if (sparkplug) {
      // The mapping decides the site; an edge node dcfleet has no mapping for is refused and counted.
      out = await this.ingest.withRetry(
        () => this.ingest.storeSparkplug(null, topic, payload),
        Infinity,
        stop,
      );
    } else if (!site) {
      out = {
        ok: false,
        status: 404,
        reason: code
          ? `unknown site ${code.slice(0, 40)} in topic`
          : `topic ${topic.slice(0, 80)} names no site`,
        transient: false,
      };
    } else {
      const who: IngestPrincipal = { tokenId: BRIDGE_TOKEN_ID, siteId: site.id, siteCode: site.code };
      const format = sniffFormat(payload);
      out = await this.ingest.withRetry(() => this.ingest.store(who, format, payload, null), Infinity, stop);
    }
    if (!out.ok && out.transient) {
      this.metrics.messages.inc({ transport: 'bridge', qos: String(qos), outcome: 'unacked' });
      return undefined;
    }
    this.metrics.messages.inc({
      transport: 'bridge',
      qos: String(qos),
      outcome: outcomeOf(out),
    });
    if (qos > 0) this.metrics.ackSeconds.observe({ transport: 'bridge' }, (Date.now() - received) / 1000);
    this.publishReceipt(site?.code ?? code, topic, out);
    return pubackReason(out);
  }

  private publishReceipt(site: string | undefined, topic: string, out: MqttStoreResult): void {
    const pattern = this.config.env.MQTT_RECEIPT_TOPIC;
    if (pattern === 'none' || !site || !/^[\w.-]+$/.test(site)) return;
    this.client?.publish(pattern.replaceAll('{site}', site), receiptMessage(topic, undefined, out), {
      qos: 0,
    });
  }
}

/** The broker URL without its password, for logs. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'MQTT_URL';
  }
}
