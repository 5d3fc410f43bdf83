import { normalizePrecision } from '@dcfleet/line-protocol';
import type { MqttFormat } from './mqtt-ingest.service';

/** The built-in listener's topics (docs/contract.md "MQTT"). */
export const TELEMETRY_TOPIC = 'dcfleet/v1/telemetry';
export const WRITE_TOPIC = 'dcfleet/v1/write';
export const RECEIPTS_TOPIC = 'dcfleet/v1/receipts';
export { SPARKPLUG_TOPIC_PREFIX as SPARKPLUG_PREFIX } from '../sparkplug/sparkplug.module';

/**
 * What a gateway's publish on the listener is: JSON on `dcfleet/v1/telemetry`, line protocol on `dcfleet/v1/write`
 * (nanoseconds, as InfluxDB) or `dcfleet/v1/write/<precision>`; anything else is a reason to refuse.
 */
export function listenerFormat(topic: string): MqttFormat | { refused: string } {
  if (topic === TELEMETRY_TOPIC) return { kind: 'json' };
  if (topic === WRITE_TOPIC) return { kind: 'line', precision: 'ns' };
  if (topic.startsWith(`${WRITE_TOPIC}/`)) {
    const precision = normalizePrecision(topic.slice(WRITE_TOPIC.length + 1));
    if (precision) return { kind: 'line', precision };
    return { refused: `invalid precision in topic "${topic.slice(0, 80)}" (ns, u, ms, s, m, h)` };
  }
  return {
    refused: `topic "${topic.slice(0, 80)}" is not one dcfleet takes (${TELEMETRY_TOPIC}, ${WRITE_TOPIC}[/precision], spBv1.0/…)`,
  };
}

/** A broker message's format, which the bridge cannot know from a topic an operator chose: a JSON object or line protocol. */
export function sniffFormat(payload: Buffer): MqttFormat {
  for (const byte of payload) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b ? { kind: 'json' } : { kind: 'line', precision: 'ns' };
  }
  return { kind: 'json' };
}

/**
 * The site code a bridged topic carries in the `+` level of the first filter it matches, or undefined when it
 * matches none (a broker may deliver overlapping subscriptions' messages).
 */
export function siteOfTopic(filters: readonly string[], topic: string): string | undefined {
  const levels = topic.split('/');
  for (const filter of filters) {
    const parts = filter.split('/');
    if (parts.length !== levels.length) continue;
    let site: string | undefined;
    let match = true;
    for (let i = 0; i < parts.length && match; i++) {
      if (parts[i] === '+') site = levels[i];
      else match = parts[i] === levels[i];
    }
    if (match && site) return site;
  }
  return undefined;
}
