import type { MqttStoreResult } from './mqtt-ingest.service';

/** MQTT 5 reason codes dcfleet sends (the MQTT 5 spec, 2.4). */
export const Reason = {
  success: 0x00,
  unspecified: 0x80,
  malformed: 0x81,
  protocolError: 0x82,
  clientIdInvalid: 0x85,
  badCredentials: 0x86,
  notAuthorized: 0x87,
  serverBusy: 0x89,
  serverShuttingDown: 0x8b,
  badAuthMethod: 0x8c,
  keepAliveTimeout: 0x8d,
  sessionTakenOver: 0x8e,
  topicNameInvalid: 0x90,
  packetIdNotFound: 0x92,
  packetTooLarge: 0x95,
  quotaExceeded: 0x97,
  payloadFormatInvalid: 0x99,
  qosNotSupported: 0x9b,
  connectionRateExceeded: 0x9f,
} as const;

/**
 * The PUBACK reason code for a stored or refused message, by the HTTP status the same body would have had. There are
 * no codes for "retry later": a transient failure is never acknowledged at all.
 */
export function pubackReason(out: MqttStoreResult): number {
  if (out.ok) return Reason.success;
  switch (out.status) {
    case 400:
    case 422:
      return Reason.payloadFormatInvalid;
    case 401:
    case 403:
      return Reason.notAuthorized;
    case 404:
      return Reason.topicNameInvalid;
    case 413:
    case 429:
      return Reason.quotaExceeded;
    default:
      return Reason.unspecified;
  }
}
