import type { ClientToServerEvents, ServerToClientEvents } from '@dcfleet/contracts';
import type { Namespace, Socket } from 'socket.io';
import type { AuthenticatedUser } from '../auth/auth.types';

/** Per-socket state set by the handshake middleware. */
export interface LiveSocketData {
  user: AuthenticatedUser;
  /** JWT expiry (epoch ms); the socket is dropped when it passes. */
  expiresAt: number;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type NoInterServerEvents = {};

export type LiveNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  NoInterServerEvents,
  LiveSocketData
>;
export type LiveSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  NoInterServerEvents,
  LiveSocketData
>;

/** Injection token of the LiveStreams implementation (in memory, or Redis when REDIS_URL is set). */
export const LIVE_STREAMS = Symbol('LIVE_STREAMS');

/** Local room of sockets whose send queue is backing up: they are skipped by fleet:update until they drain. */
export const SLOW_ROOM = 'live:slow';
