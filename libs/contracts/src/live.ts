/** Socket.io contract (product.md §7): path /socket.io, namespace /live. */
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
}

export interface RatingRevisedEvent {
  seq: number;
  code: string;
  year: number;
  previousPue: number | null;
  pue: number | null;
  revisedAt: string;
}

export type SubscribeRequest = ({ scope: 'fleet' } | { datacenter: string }) & { lastSeq?: number };

export type SubscribeAck =
  | { ok: true; room: string; seq: number; resync: boolean; snapshot: SiteSnapshot[]; missed?: unknown[] }
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
