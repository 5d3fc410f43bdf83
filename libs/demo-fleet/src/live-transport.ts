/**
 * How a demo site posts its live readings, so that the demo exercises every ingest path a real hub sees: most sites
 * post JSON over HTTP, some publish over MQTT to the built-in listener (QoS 1), one writes InfluxDB line protocol.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import type { IngestEntry } from '@dcfleet/contracts';
import type { DcfleetClient, IngestResult } from './client';
import { countSamples } from './model';

export type LiveTransportKind = 'http' | 'mqtt' | 'line';

/** The fleet's n-th site (0-based): one in four over MQTT when a listener is given, the third by line protocol. */
export function liveTransportOf(index: number, mqtt: boolean): LiveTransportKind {
  if (index === 2) return 'line';
  return mqtt && index % 4 === 1 ? 'mqtt' : 'http';
}

/** Line protocol for live entries (millisecond precision): `site[,label=value…] metric=value,… ts`. */
export function toLineProtocol(entries: readonly IngestEntry[]): string {
  const esc = (s: string) => s.replace(/[\\, =]/g, (c) => `\\${c}`);
  return entries
    .map((e) => {
      const tags = Object.entries(e.labels ?? {})
        .map(([k, v]) => `,${esc(k)}=${esc(v)}`)
        .join('');
      const fields = Object.entries(valuesOf(e))
        .map(([k, v]) => `${esc(k)}=${v}`)
        .join(',');
      return `site${tags} ${fields} ${e.ts}`;
    })
    .join('\n');
}

export interface LiveSender {
  readonly kind: LiveTransportKind;
  send(entries: readonly IngestEntry[]): Promise<IngestResult>;
  close(): Promise<void>;
}

export function httpSender(client: DcfleetClient, token: string): LiveSender {
  return {
    kind: 'http',
    send: (entries) => client.ingest(token, JSON.stringify({ samples: entries }), { maxAttempts: 3 }),
    close: async () => undefined,
  };
}

export function lineSender(client: DcfleetClient, token: string): LiveSender {
  return {
    kind: 'line',
    send: (entries) => client.writeLines(token, toLineProtocol(entries), { maxAttempts: 3 }),
    close: async () => undefined,
  };
}

/**
 * A site's own MQTT 5 connection to the built-in listener, its ingest token as password. A PUBACK means stored (the
 * same promise as HTTP 200); a refusal comes back as its reason code.
 */
export async function mqttSender(url: string, code: string, token: string): Promise<LiveSender> {
  const client: MqttClient = await connectAsync(url, {
    protocolVersion: 5,
    clientId: `demo-${code}`,
    username: code,
    password: token,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
  });
  return {
    kind: 'mqtt',
    async send(entries) {
      try {
        await client.publishAsync('dcfleet/v1/telemetry', JSON.stringify({ samples: entries }), { qos: 1 });
        return { status: 200, accepted: countSamples(entries), attempts: 1 };
      } catch (err) {
        return { status: 0, error: `MQTT: ${(err as Error).message}`, attempts: 1 };
      }
    },
    close: () => client.endAsync(),
  };
}

/** An entry's metric values, whether it carries one (`metric`, `value`) or several (`values`). */
function valuesOf(e: IngestEntry): Record<string, number> {
  if (e.values) return e.values;
  return e.metric !== undefined && e.value !== undefined ? { [e.metric]: e.value } : {};
}
