/** Socket.io contract (docs/contract.md "Live updates"): path /socket.io, namespace /live. */
import type { SiteSnapshot } from './site';

export const LIVE_NAMESPACE = '/live';
export const LIVE_PATH = '/socket.io';

export const LIVE_EVENTS = {
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  fleetUpdate: 'fleet:update',
  dcUpdate: 'dc:update',
  alarm: 'alarm',
  ratingRevised: 'rating:revised',
} as const;

export interface DcUpdate {
  code: string;
  seq: number;
  /** Newest event time in the batch, ISO 8601. */
  ts: string;
  /**
   * Newest value per series the batch set, keyed by metric name, with the series' canonical labels appended when
   * it has any (`inlet_temp_c{"zone":"B2"}`), so that series of one metric stay apart.
   */
  values: Record<string, number>;
}

export interface FleetUpdate {
  seq: number;
  sites: SiteSnapshot[];
}

export interface AlarmEvent {
  seq: number;
  alarm: AlarmInfo;
}

export type AlarmSeverity = 'warning' | 'critical';
export type AlarmState = 'active' | 'cleared';

export interface AlarmInfo {
  id: number;
  datacenter: string;
  rule: string;
  severity: AlarmSeverity;
  state: AlarmState;
  message: string;
  raisedAt: string;
  clearedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  note: string | null;
  /** The rule that raised it (null once that rule was deleted). */
  ruleId?: number | null;
  /** What the alarm is about within the site: the zone for inlet rules, '' for site-wide conditions. */
  key?: string;
  /** Inlet rules: the zone label (null when the sensor has none). */
  zone?: string | null;
  /** The value that raised it (°C, PUE, kW, kWh, seconds of silence) and the threshold it crossed. */
  value?: number | null;
  threshold?: number | null;
  /** Event time of the sample that raised it / that showed the condition ended, ISO 8601. */
  eventTs?: string;
  clearedEventTs?: string | null;
  /** The value that cleared it. */
  clearedValue?: number | null;
  /** Rule-specific detail, e.g. the silent series of a stale site or the counter step that went backwards. */
  details?: Record<string, unknown> | null;
}

export interface RatingRevisedEvent {
  seq: number;
  code: string;
  year: number;
  previousPue: number | null;
  pue: number | null;
  revisedAt: string;
}

/**
 * Streams a client can subscribe to. `fleet` and `datacenter` are the ones of docs/contract.md "Live updates"; `alarms`
 * (admin and operator only) and `ratings` are joined automatically at connect and only need a `subscribe`
 * to resume after a reconnect.
 */
export type LiveScope = 'fleet' | 'alarms' | 'ratings';

/**
 * `lastSeq` + `epoch` (both from an earlier acknowledgement or event) ask for the events missed since.
 * A different epoch (server state reset, e.g. a restart without Redis) always means a resync.
 */
export type SubscribeRequest = ({ scope: LiveScope } | { datacenter: string }) & {
  lastSeq?: number;
  epoch?: string;
};

/** Any event of a stream, as it appears in `SubscribeAck.missed`. */
export type LiveStreamEvent = FleetUpdate | DcUpdate | AlarmEvent | RatingRevisedEvent;

/**
 * `seq` is the room's current sequence number: live events with a seq at or below it are already covered by
 * the snapshot (or `missed`) and may be ignored; events can arrive just before the acknowledgement.
 * `resync: true` means the missed events are no longer available: replace local state with `snapshot`.
 */
export type SubscribeAck =
  | {
      ok: true;
      room: string;
      seq: number;
      /** Identifies the sequence space; send it back with `lastSeq` when resuming. */
      epoch?: string;
      resync: boolean;
      snapshot: SiteSnapshot[];
      missed?: LiveStreamEvent[];
    }
  | { ok: false; error: string };

export interface ServerToClientEvents {
  'fleet:update': (payload: FleetUpdate) => void;
  'dc:update': (payload: DcUpdate) => void;
  alarm: (payload: AlarmEvent) => void;
  'rating:revised': (payload: RatingRevisedEvent) => void;
}

export interface ClientToServerEvents {
  subscribe: (req: SubscribeRequest, ack: (res: SubscribeAck) => void) => void;
  unsubscribe: (req: SubscribeRequest, ack?: (res: { ok: boolean }) => void) => void;
}
