import type { ClientToServerEvents, ServerToClientEvents } from '@dcfleet/contracts';
import type { Namespace, Socket } from 'socket.io';
import type { AuthenticatedUser } from '../platform/access/access.types';

/** Per-socket state set by the handshake middleware. */
export interface LiveSocketData {
  user: AuthenticatedUser;
  /** JWT expiry (epoch ms); the socket is dropped when it passes. */
  expiresAt: number;
}

/** Between API instances (through the Redis adapter): what an instance must forget of its caches. */
export interface InterServerEvents {
  'user:sessions-ended': (userId: number) => void;
  /** A site changed owner: drop the cached sites, so scopes follow the move at once. */
  'sites:changed': () => void;
}

export type LiveNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  LiveSocketData
>;
export type LiveSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  LiveSocketData
>;

/** Injection token of the LiveStreams implementation (in memory, or Redis when REDIS_URL is set). */
export const LIVE_STREAMS = Symbol('LIVE_STREAMS');

/** Local room of sockets whose send queue is backing up: they are skipped by fleet:update until they drain. */
export const SLOW_ROOM = 'live:slow';

/** Room of every socket of one user: ending the user's sessions disconnects it, on every instance. */
export const userRoom = (userId: number): string => `user:${userId}`;
