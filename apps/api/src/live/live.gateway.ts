import { Inject, Logger, NotFoundException, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import {
  LIVE_EVENTS,
  LIVE_NAMESPACE,
  LIVE_PATH,
  SITE_CODE_PATTERN,
  type SiteSnapshot,
  type SubscribeAck,
} from '@dcfleet/contracts';
import { SessionService } from '../auth/auth.module';
import { AppConfig } from '../platform/config/app-config';
import { SiteEvents, SitesService, type OwnerChange } from '../sites/sites.module';
import { UserSessions, UsersService } from '../users/users.module';
import { SnapshotService } from '../telemetry/telemetry.module';
import { LiveMetrics } from './live.metrics';
import { LivePublisher } from './live.publisher';
import { inScope, type Scope } from '../platform/access/scope';
import { scopedRoom, scopeKey } from './live-scope';
import { dcRoom, type LiveStreams } from './live-streams';
import { LIVE_STREAMS, SLOW_ROOM, userRoom, type LiveNamespace, type LiveSocket } from './live.types';

/** Roles that see alarms (regulators do not: README "Security"). */
const ALARM_ROLES = new Set(['admin', 'operator']);
/** How often send queues and token expiry are checked. */
const SWEEP_MS = 250;
/** Queued packets from which a socket counts as slow (skipped by fleet:update until it drains). */
const SLOW_QUEUE = 16;
/** Bytes buffered in the websocket itself beyond which a socket is dropped, whatever its packet count. */
const MAX_WS_BUFFERED_BYTES = 16 * 1024 * 1024;

interface Room {
  kind: 'fleet' | 'dc' | 'alarms' | 'ratings';
  code?: string;
}

/** The room a request names for a caller: dc rooms are per site, the others per scope (live-scope.ts). */
function roomOf(req: Room, scope: Scope): string {
  return req.kind === 'dc' ? dcRoom(req.code!) : scopedRoom(req.kind, scope);
}

type ParsedRequest = (Room & { lastSeq?: number; epoch?: string }) | { error: string };

function parseRequest(req: unknown): ParsedRequest {
  if (!req || typeof req !== 'object')
    return { error: 'expected { scope: "fleet" } or { datacenter: "<code>" }' };
  const r = req as Record<string, unknown>;
  const lastSeq = r.lastSeq;
  if (
    lastSeq !== undefined &&
    (typeof lastSeq !== 'number' || !Number.isSafeInteger(lastSeq) || lastSeq < 0)
  ) {
    return { error: 'lastSeq must be a whole number >= 0' };
  }
  const epoch = r.epoch;
  if (epoch !== undefined && (typeof epoch !== 'string' || epoch.length > 64))
    return { error: 'epoch must be a string' };
  const extra = { lastSeq: lastSeq as number | undefined, epoch: epoch as string | undefined };
  if (typeof r.datacenter === 'string') {
    if (!SITE_CODE_PATTERN.test(r.datacenter))
      return { error: `unknown data center ${r.datacenter.slice(0, 40)}` };
    return { kind: 'dc', code: r.datacenter, ...extra };
  }
  if (r.scope === 'fleet') return { kind: 'fleet', ...extra };
  if (r.scope === 'alarms') return { kind: 'alarms', ...extra };
  if (r.scope === 'ratings') return { kind: 'ratings', ...extra };
  return { error: 'expected { scope: "fleet" } or { datacenter: "<code>" }' };
}

/** `exp` of a JWT that was already verified (ms), or +Infinity. */
function expiryOf(token: string): number {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: number;
    };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity;
  } catch {
    return Infinity;
  }
}

/** Drops a connection at once, without waiting for its send queue to drain (it never will). */
function terminate(socket: LiveSocket): void {
  const transport = socket.conn.transport as unknown as { socket?: { terminate?: () => void } };
  if (typeof transport.socket?.terminate === 'function') transport.socket.terminate();
  else socket.conn.close(true);
}

/**
 * socket.io namespace /live (docs/contract.md "Live updates"). Authentication happens in the namespace middleware, so a client
 * without a valid session JWT in `auth.token` gets `connect_error` "unauthorized" and never connects
 * (guards do not run on connect). Rooms: `fleet`, `dc:<code>` (by subscribe), `alarms` (admin/operator,
 * joined at connect), `ratings` (everyone, joined at connect).
 */
@WebSocketGateway({
  namespace: LIVE_NAMESPACE,
  path: LIVE_PATH,
  transports: ['websocket'],
  // Clients only send small subscribe requests.
  maxHttpBufferSize: 64 * 1024,
})
export class LiveGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger('LiveGateway');
  private sweepTimer?: NodeJS.Timeout;
  private stopListening?: () => void;

  @WebSocketServer()
  nsp: LiveNamespace;

  constructor(
    private readonly sessions: SessionService,
    private readonly sites: SitesService,
    private readonly snapshots: SnapshotService,
    private readonly publisher: LivePublisher,
    private readonly metrics: LiveMetrics,
    private readonly config: AppConfig,
    @Inject(LIVE_STREAMS) private readonly streams: LiveStreams,
    private readonly users: UsersService,
    private readonly userSessions: UserSessions,
    private readonly siteEvents: SiteEvents,
  ) {}

  afterInit(nsp: LiveNamespace): void {
    nsp.use((socket, next) => {
      const raw: unknown = socket.handshake.auth?.token;
      const token = typeof raw === 'string' ? raw.replace(/^Bearer\s+/i, '') : '';
      if (!token) return next(new Error('unauthorized'));
      this.sessions.verify(token).then(
        (user) => {
          if (!user) return next(new Error('unauthorized'));
          socket.data.user = user;
          socket.data.expiresAt = expiryOf(token);
          // The scope is registered before the socket joins its rooms, so no scoped event can miss it.
          this.streams.addScope(scopeKey(user.scope)).then(
            () => next(),
            (err: unknown) => {
              this.logger.warn(`handshake: scope not registered: ${(err as Error)?.message ?? String(err)}`);
              next(new Error('unavailable'));
            },
          );
        },
        (err: unknown) => {
          this.logger.warn(`handshake: ${(err as Error)?.message ?? String(err)}`);
          next(new Error('unavailable'));
        },
      );
    });
    this.publisher.attach(nsp);
    // Sessions ended here: the user's sockets go on every instance (the adapter relays the disconnect), and the
    // other instances drop their cached copy of the user so its HTTP sessions end there too, at once.
    this.stopListening = this.userSessions.onEnded((userId) => {
      this.nsp.in(userRoom(userId)).disconnectSockets(true);
      if (this.config.env.REDIS_URL) this.nsp.serverSideEmit('user:sessions-ended', userId);
    });
    nsp.on('user:sessions-ended', (userId: number) => this.users.forget(userId));
    // A site's move: the other instances drop their sites cache at once (else they would serve its old owner's users
    // for up to the cache's 10 s).
    nsp.on('sites:changed', () => this.sites.forget());
    this.siteEvents.onOwnerChanged((change) => {
      if (this.config.env.REDIS_URL) this.nsp.serverSideEmit('sites:changed');
      void this.ownerChanged(change);
    });
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
    this.stopListening?.();
  }

  handleConnection(socket: LiveSocket): void {
    this.metrics.clients.inc();
    const { scope } = socket.data.user;
    const rooms = [scopedRoom('ratings', scope), userRoom(socket.data.user.id)];
    if (ALARM_ROLES.has(socket.data.user.role)) rooms.push(scopedRoom('alarms', scope));
    void socket.join(rooms);
  }

  /**
   * A site changed owner: sockets watching it whose user no longer sees it are disconnected, on every instance (the
   * adapter fetches remote sockets); their client reconnects and its subscribe is refused like any unknown site.
   * Fleet, alarm and ratings rooms need nothing: their events are addressed by the site's owner when sent.
   */
  private async ownerChanged(change: OwnerChange): Promise<void> {
    try {
      const site = await this.sites.get(change.code);
      for (const socket of await this.nsp.in(dcRoom(change.code)).fetchSockets())
        if (!inScope(socket.data.user.scope, site)) socket.disconnect(true);
    } catch (err) {
      this.logger.warn(`owner change of ${change.code}: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  handleDisconnect(): void {
    this.metrics.clients.dec();
  }

  @SubscribeMessage(LIVE_EVENTS.subscribe)
  async subscribe(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: unknown,
  ): Promise<SubscribeAck> {
    const req = parseRequest(body);
    if ('error' in req) return { ok: false, error: req.error };
    const { scope } = socket.data.user;
    const room = roomOf(req, scope);
    try {
      if (req.kind === 'alarms' && !ALARM_ROLES.has(socket.data.user.role))
        return { ok: false, error: 'forbidden' };
      let site: { id: number; code: string } | undefined;
      if (req.kind === 'dc') {
        try {
          // Outside the caller's scope reads exactly like a site that does not exist.
          site = await this.sites.getIn(scope, req.code!);
        } catch (err) {
          if (err instanceof NotFoundException)
            return { ok: false, error: `unknown data center ${req.code}` };
          throw err;
        }
      }
      if (!socket.connected) return { ok: false, error: 'disconnected' };
      if (req.kind !== 'dc') await this.streams.addScope(scopeKey(scope));
      // Join first, then read the position: an event emitted in between arrives live and may also be in
      // `missed` (clients drop seq they already have), but none can fall between the two.
      await socket.join(room);
      if (req.kind === 'dc') this.publisher.watched(room);
      const pos = await this.streams.read(room, req.lastSeq, req.epoch);
      let snapshot: SiteSnapshot[] = [];
      if (req.kind === 'fleet') snapshot = await this.freshest(await this.sites.visible(scope));
      else if (site) snapshot = await this.freshest([site]);
      const ack: SubscribeAck = {
        ok: true,
        room,
        seq: pos.seq,
        epoch: pos.epoch,
        resync: false,
        snapshot,
      };
      if (req.lastSeq !== undefined) {
        if (pos.missed) ack.missed = pos.missed;
        else ack.resync = true;
      }
      return ack;
    } catch (err) {
      this.logger.warn(`subscribe ${room}: ${(err as Error)?.message ?? String(err)}`);
      return { ok: false, error: 'temporarily unavailable, retry' };
    }
  }

  /**
   * Snapshots of these sites: this instance's, or, with several instances (Redis), the one published by the
   * instance that ingested the newest data when that is newer (at most ~100 ms behind its ingest).
   */
  private async freshest(sites: { id: number; code: string }[]): Promise<SiteSnapshot[]> {
    const local = sites.map((s) => this.snapshots.snapshot(s.id, s.code));
    if (this.streams.mode === 'local') return local;
    const shared = await this.streams.sharedSnapshots(sites.map((s) => s.code));
    return local.map((mine) => {
      const other = shared.get(mine.code);
      if (!other?.lastSampleAt) return mine;
      const newer =
        !mine.lastSampleAt ||
        other.lastSampleAt > mine.lastSampleAt ||
        (other.lastSampleAt === mine.lastSampleAt && (other.lastIngestAt ?? '') > (mine.lastIngestAt ?? ''));
      // Status is relative to now; the alarm count is this instance's (alarms keep their own state).
      return newer
        ? {
            ...other,
            status: this.snapshots.status(Date.parse(other.lastSampleAt)),
            activeAlarms: mine.activeAlarms,
          }
        : mine;
    });
  }

  @SubscribeMessage(LIVE_EVENTS.unsubscribe)
  async unsubscribe(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: unknown,
  ): Promise<{ ok: boolean }> {
    const req = parseRequest(body);
    if ('error' in req) return { ok: false };
    await socket.leave(roomOf(req, socket.data.user.scope));
    return { ok: true };
  }

  /**
   * Slow clients: socket.io never limits what it queues for a client that does not read, so memory would
   * grow without bound. Every SWEEP_MS: a socket with more than SLOW_QUEUE packets waiting joins the local
   * room `live:slow` (fleet:update skips it until it drains); one over LIVE_CLIENT_MAX_QUEUE packets (or
   * MAX_WS_BUFFERED_BYTES in the websocket) is dropped at once. Its client reconnects and resumes with
   * lastSeq (or resyncs), so nothing is lost silently. Sockets whose JWT expired are dropped too.
   */
  private sweep(): void {
    if (!this.nsp) return;
    const max = this.config.env.LIVE_CLIENT_MAX_QUEUE;
    const now = Date.now();
    for (const socket of this.nsp.sockets.values()) {
      // engine.io's send queue and the websocket's own buffer (both private in the typings).
      const conn = socket.conn as unknown as {
        writeBuffer: unknown[];
        transport: { socket?: { bufferedAmount?: number } };
      };
      const queued = conn.writeBuffer.length;
      const ws = conn.transport.socket;
      const bytes = ws?.bufferedAmount ?? 0;
      if (queued > max || bytes > MAX_WS_BUFFERED_BYTES) {
        this.metrics.dropped.inc({ reason: 'slow' });
        this.logger.warn(
          `dropping slow client ${socket.data.user?.username ?? '?'} (${queued} packets, ${bytes} bytes queued)`,
        );
        terminate(socket);
        continue;
      }
      if (socket.data.expiresAt <= now) {
        this.metrics.dropped.inc({ reason: 'expired' });
        socket.disconnect(true);
        continue;
      }
      const slow = queued > SLOW_QUEUE;
      if (slow !== socket.rooms.has(SLOW_ROOM))
        void (slow ? socket.join(SLOW_ROOM) : socket.leave(SLOW_ROOM));
    }
  }
}
