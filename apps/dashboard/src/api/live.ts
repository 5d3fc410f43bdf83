/**
 * The dashboard's one socket.io connection (namespace /live, docs/contract.md "Live updates"): authenticates with the session's
 * JWT, keeps the subscribed rooms, resumes each room from its last seq after a reconnect (gap-free), and
 * hands every event to a sink that updates the query cache.
 */
import {
  LIVE_EVENTS,
  LIVE_NAMESPACE,
  LIVE_PATH,
  type AlarmEvent,
  type ClientToServerEvents,
  type DcUpdate,
  type FleetUpdate,
  type LiveStreamEvent,
  type RatingRevisedEvent,
  type ServerToClientEvents,
  type SiteSnapshot,
  type SubscribeAck,
  type SubscribeRequest,
} from '@dcfleet/contracts';
import type { Socket } from 'socket.io-client';
import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import { RoomSequence } from './live-sequence';

export type LiveStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Where live data goes. Snapshots replace state; updates are applied in seq order. */
export interface LiveSink {
  fleetSnapshot(snapshots: SiteSnapshot[]): void;
  fleetUpdate(update: FleetUpdate): void;
  dcSnapshot(code: string, snapshot: SiteSnapshot | undefined): void;
  dcUpdate(update: DcUpdate): void;
  /** The room's history could not be resumed: refetch what was built from its events. */
  dcResync(code: string): void;
  alarm(event: AlarmEvent): void;
  alarmsResync(): void;
  ratingRevised(event: RatingRevisedEvent): void;
  ratingsResync(): void;
}

export type RoomRequest = { scope: 'fleet' } | { datacenter: string };

interface Room {
  key: string;
  request: SubscribeRequest;
  refs: number;
  /** Joined by the server at connect (alarms, ratings): subscribe only to learn and resume the seq. */
  auto: boolean;
  sequence: RoomSequence<LiveStreamEvent>;
  retry: ReturnType<typeof setTimeout> | null;
}

export interface LiveClientOptions {
  /** Origin of the API (default: this page's). */
  origin?: string;
  token: () => string | null;
  onUnauthorized: () => void;
  /** Whether the user's role gets the alarms room. */
  alarms: () => boolean;
}

type TypedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 10_000;
const RETRY_MS = 3_000;

function roomKeyOf(request: RoomRequest | SubscribeRequest): string {
  if ('datacenter' in request) return `dc:${request.datacenter}`;
  return request.scope;
}

export class LiveClient {
  private socket: TypedSocket | null = null;
  private readonly rooms = new Map<string, Room>();
  private status: LiveStatus = 'idle';
  private readonly listeners = new Set<() => void>();
  private everConnected = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by start and stop: a socket.io-client module that arrives after a stop opens nothing. */
  private generation = 0;
  private loading = false;

  constructor(
    private readonly sink: LiveSink,
    private readonly options: LiveClientOptions,
  ) {}

  getStatus = (): LiveStatus => this.status;

  onStatus = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private setStatus(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.listeners.forEach((l) => l());
  }

  /**
   * Opens the connection (idempotent). socket.io-client is loaded here, on demand: it is about 13 kB gzip the
   * first screen does not need (pages draw from the REST answers; the socket only keeps them current).
   */
  start(): void {
    if (this.socket || this.loading) return;
    this.ensureRoom({ scope: 'ratings' }, true);
    if (this.options.alarms()) this.ensureRoom({ scope: 'alarms' }, true);
    this.setStatus('connecting');
    const generation = ++this.generation;
    this.loading = true;
    import('socket.io-client').then(
      ({ io }) => {
        if (generation !== this.generation) return;
        this.loading = false;
        this.connect(io);
      },
      () => {
        if (generation !== this.generation) return;
        // The chunk did not load (network, or a new release replaced it): try again, like a lost connection.
        this.loading = false;
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          if (generation === this.generation) this.start();
        }, RETRY_MS);
      },
    );
  }

  private connect(io: typeof import('socket.io-client').io): void {
    const origin = this.options.origin ?? window.location.origin;
    const socket: TypedSocket = io(origin + LIVE_NAMESPACE, {
      path: LIVE_PATH,
      transports: ['websocket'],
      // A function, so every reconnect sends the current token.
      auth: (cb) => cb({ token: this.options.token() ?? '' }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
    });
    this.socket = socket;
    this.everConnected = false;
    this.setStatus('connecting');

    socket.on('connect', () => {
      this.everConnected = true;
      this.setStatus('live');
      for (const room of this.rooms.values()) this.subscribe(room);
    });
    socket.on('disconnect', (reason) => {
      for (const room of this.rooms.values()) room.sequence.abort();
      if (this.socket !== socket) return;
      this.setStatus('reconnecting');
      // The server dropped us on purpose (e.g. the token expired): socket.io does not reconnect by itself.
      if (reason === 'io server disconnect') this.scheduleReconnect(1_000);
    });
    socket.on('connect_error', (err) => {
      if (this.socket !== socket) return;
      if (err.message === 'unauthorized') {
        this.setStatus('offline');
        this.options.onUnauthorized();
        return;
      }
      this.setStatus(this.everConnected ? 'reconnecting' : 'connecting');
      // Middleware refusals (e.g. "unavailable") are not retried by socket.io; transport errors are.
      if (!socket.active) this.scheduleReconnect(RETRY_MS);
    });

    socket.on(LIVE_EVENTS.fleetUpdate, (u) => this.onEvent('fleet', u));
    socket.on(LIVE_EVENTS.dcUpdate, (u) => this.onEvent(`dc:${u.code}`, u));
    socket.on(LIVE_EVENTS.alarm, (e) => this.onEvent('alarms', e));
    socket.on(LIVE_EVENTS.ratingRevised, (e) => this.onEvent('ratings', e));
  }

  /** Closes the connection and forgets every room (sign-out). */
  stop(): void {
    this.generation++;
    this.loading = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    for (const room of this.rooms.values()) if (room.retry) clearTimeout(room.retry);
    this.rooms.clear();
    const socket = this.socket;
    this.socket = null;
    socket?.removeAllListeners();
    socket?.disconnect();
    this.setStatus('idle');
  }

  /** Subscribes to a room while the returned function has not been called (reference counted). */
  join(request: RoomRequest): () => void {
    const room = this.ensureRoom(request, false);
    room.refs++;
    if (room.refs === 1 && this.socket?.connected && !room.sequence.pending) this.subscribe(room);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      room.refs--;
      if (room.refs > 0 || room.auto) return;
      if (room.retry) clearTimeout(room.retry);
      this.rooms.delete(room.key);
      if (this.socket?.connected) this.socket.emit(LIVE_EVENTS.unsubscribe, room.request);
    };
  }

  private ensureRoom(request: RoomRequest | SubscribeRequest, auto: boolean): Room {
    const key = roomKeyOf(request);
    let room = this.rooms.get(key);
    if (!room) {
      room = { key, request, refs: 0, auto, sequence: new RoomSequence(), retry: null };
      this.rooms.set(key, room);
    }
    return room;
  }

  private scheduleReconnect(ms: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.socket || this.socket.connected) return;
      if (!this.options.token()) {
        this.setStatus('offline');
        this.options.onUnauthorized();
        return;
      }
      this.socket.connect();
    }, ms);
  }

  private subscribe(room: Room): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    if (room.retry) clearTimeout(room.retry);
    room.retry = null;
    const extra = room.sequence.begin();
    socket.timeout(ACK_TIMEOUT_MS).emit(LIVE_EVENTS.subscribe, { ...room.request, ...extra }, (err, ack) => {
      if (this.rooms.get(room.key) !== room || this.socket !== socket) return;
      if (err || !ack || !ack.ok) {
        room.sequence.abort();
        const message = err ? 'timeout' : ack && !ack.ok ? ack.error : 'no answer';
        // Unknown sites and forbidden rooms will not get better by retrying.
        if (/unknown data center|forbidden/.test(message)) return;
        room.retry = setTimeout(() => this.subscribe(room), RETRY_MS);
        return;
      }
      this.acknowledge(room, ack);
    });
  }

  private acknowledge(room: Room, ack: Extract<SubscribeAck, { ok: true }>): void {
    const result = room.sequence.acknowledge(ack);
    const request = room.request;
    if ('datacenter' in request) {
      const code = request.datacenter;
      if (result.kind === 'resync') this.sink.dcResync(code);
      for (const e of result.apply) this.sink.dcUpdate(e as DcUpdate);
      this.sink.dcSnapshot(code, ack.snapshot.find((s) => s.code === code) ?? ack.snapshot[0]);
    } else if (request.scope === 'fleet') {
      for (const e of result.apply) this.sink.fleetUpdate(e as FleetUpdate);
      this.sink.fleetSnapshot(ack.snapshot);
    } else if (request.scope === 'alarms') {
      if (result.kind === 'resync') this.sink.alarmsResync();
      for (const e of result.apply) this.sink.alarm(e as AlarmEvent);
    } else if (request.scope === 'ratings') {
      if (result.kind === 'resync') this.sink.ratingsResync();
      for (const e of result.apply) this.sink.ratingRevised(e as RatingRevisedEvent);
    }
    if (result.resume) this.subscribe(room);
  }

  private onEvent(key: string, event: LiveStreamEvent): void {
    const room = this.rooms.get(key);
    if (!room) return;
    const result = room.sequence.offer(event);
    for (const e of result.apply) this.dispatch(room, e);
    if (result.resume && !room.sequence.pending) this.subscribe(room);
  }

  private dispatch(room: Room, e: LiveStreamEvent): void {
    if (room.key === 'fleet') this.sink.fleetUpdate(e as FleetUpdate);
    else if (room.key.startsWith('dc:')) this.sink.dcUpdate(e as DcUpdate);
    else if (room.key === 'alarms') this.sink.alarm(e as AlarmEvent);
    else if (room.key === 'ratings') this.sink.ratingRevised(e as RatingRevisedEvent);
  }
}

/**
 * The session's live client, provided by the app shell (which owns its lifecycle and wires its events into the
 * query cache); features reach it through the hooks below, never through the shell.
 */
export const LiveClientContext = createContext<LiveClient | null>(null);

export function useLiveClient(): LiveClient {
  const client = useContext(LiveClientContext);
  if (!client) throw new Error('useLiveClient outside <LiveClientContext.Provider>');
  return client;
}

/** The live connection's state, for the header indicator. */
export function useLiveStatus(): LiveStatus {
  const client = useLiveClient();
  return useSyncExternalStore(client.onStatus, client.getStatus);
}

/** Keeps a room subscribed while the component is mounted (null: none). */
export function useLiveRoom(request: RoomRequest | null): void {
  const client = useLiveClient();
  const key = request ? roomKeyOf(request) : null;
  useEffect(() => {
    if (!key) return;
    const req: RoomRequest = key.startsWith('dc:') ? { datacenter: key.slice(3) } : { scope: 'fleet' };
    return client.join(req);
  }, [client, key]);
}
