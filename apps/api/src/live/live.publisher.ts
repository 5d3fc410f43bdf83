import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  LIVE_EVENTS,
  type AlarmEvent,
  type AlarmInfo,
  type DcUpdate,
  type FleetUpdate,
  type RatingRevisedEvent,
} from '@dcfleet/contracts';
import { inScope, type ScopedSite } from '../platform/access/scope';
import { SitesService } from '../sites/sites.module';
import { LiveMetrics } from './live.metrics';
import { roomsFor, scopedRoom, scopeOfKey, type ScopedStream } from './live-scope';
import { dcRoom, FLEET_ROOM, type LiveStreams } from './live-streams';
import { LIVE_STREAMS, SLOW_ROOM, type LiveNamespace } from './live.types';

/**
 * The one place that emits live events. Every event gets its room's next seq and goes into the room's
 * buffer (for clients that resume) before it is emitted; with Redis the emit reaches the clients of every
 * instance through the socket.io Redis adapter.
 *
 * Other features publish only through this class (never `server.emit`). The methods never throw: a live-push
 * failure (e.g. Redis briefly down) is logged and must not fail the business operation that caused it.
 * The returned promise resolves once the event is emitted (useful in tests; callers may ignore it).
 */
/** How long after its last client leaves a dc room's updates are still buffered for a resuming client. */
export const RESUME_WINDOW_MS = 120_000;

@Injectable()
export class LivePublisher {
  private readonly logger = new Logger('LivePublisher');
  private nsp?: LiveNamespace;
  private lastLogAt = 0;
  private suppressed = 0;
  /** Local mode: when each dc room last had a client (see publishDcUpdate). */
  private readonly watchedAt = new Map<string, number>();

  constructor(
    @Inject(LIVE_STREAMS) private readonly streams: LiveStreams,
    private readonly metrics: LiveMetrics,
    private readonly sites: SitesService,
  ) {}

  /** Called by the gateway once the socket.io namespace exists. */
  attach(nsp: LiveNamespace): void {
    this.nsp = nsp;
  }

  /**
   * Raised, acknowledged or cleared alarm: admin and operator sockets only, of the scopes that include its site
   * (rooms `alarms`, `alarms:org:<id>`; regulators see no alarms, so no regions rooms).
   */
  async publishAlarm(alarm: AlarmInfo): Promise<void> {
    await this.guard('alarm', async () => {
      for (const room of await this.roomsOf(
        'alarms',
        alarm.datacenter,
        (key) => !key.startsWith('regions:'),
      )) {
        const event = await this.streams.append<AlarmEvent>(room, { alarm });
        this.nsp?.to(room).emit(LIVE_EVENTS.alarm, event);
      }
    });
  }

  /** A rating changed because late data arrived: every role, in the scopes that include the site (`ratings…`). */
  async publishRatingRevised(e: Omit<RatingRevisedEvent, 'seq'>): Promise<void> {
    await this.guard('rating:revised', async () => {
      for (const room of await this.roomsOf('ratings', e.code)) {
        const event = await this.streams.append<RatingRevisedEvent>(room, e);
        this.nsp?.to(room).emit(LIVE_EVENTS.ratingRevised, event);
      }
    });
  }

  /** The rooms of `stream` an event of site `code` goes to (live-scope.ts). */
  private async roomsOf(
    stream: ScopedStream,
    code: string,
    keep: (key: string) => boolean = () => true,
  ): Promise<string[]> {
    const site = await this.sites.get(code);
    return roomsFor(stream, site, (await this.streams.scopes()).filter(keep));
  }

  /**
   * New newest values of one site (one per accepted batch), to room `dc:<code>`. `build` makes the values
   * only when someone may want them: with one instance, a room nobody has watched for RESUME_WINDOW_MS gets
   * its seq counted and nothing else (a 5,000-value update costs more to build, buffer and encode than the
   * rest of the batch's live work). A client that comes back later than that resyncs from a snapshot.
   */
  async publishDcUpdate(
    code: string,
    ts: string,
    build: () => { values: Record<string, number>; bytes: number },
  ): Promise<void> {
    await this.guard('dc:update', async () => {
      const room = dcRoom(code);
      if (!this.mayBeWanted(room)) {
        this.streams.skip?.(room);
        return;
      }
      const { values, bytes } = build();
      const event = await this.streams.append<DcUpdate>(room, { code, ts, values }, bytes);
      this.nsp?.to(room).emit(LIVE_EVENTS.dcUpdate, event);
    });
  }

  /** Whether a room has, or recently had, a client here; always true with Redis (other instances' clients). */
  private mayBeWanted(room: string): boolean {
    if (this.streams.mode !== 'local' || !this.streams.skip) return true;
    const now = Date.now();
    if (this.nsp?.adapter.rooms.get(room)?.size) {
      this.watchedAt.set(room, now);
      return true;
    }
    const at = this.watchedAt.get(room);
    if (at !== undefined && now - at >= RESUME_WINDOW_MS) this.watchedAt.delete(room);
    return at !== undefined && now - at < RESUME_WINDOW_MS;
  }

  /** The gateway marks a room watched when a client subscribes (before any event reached it). */
  watched(room: string): void {
    this.watchedAt.set(room, Date.now());
  }

  /**
   * A coalesced fleet update whose seq was already allocated (LiveStreams.flushFleet). Sockets whose send
   * queue is backing up (room `live:slow`) are skipped: fleet updates are full snapshots of the changed
   * sites, so a skipped one is repaired by the next, or by `subscribe` with lastSeq.
   */
  emitFleetUpdate(update: FleetUpdate): void {
    try {
      this.nsp?.to(FLEET_ROOM).except(SLOW_ROOM).emit(LIVE_EVENTS.fleetUpdate, update);
      this.metrics.events.inc({ event: LIVE_EVENTS.fleetUpdate });
    } catch (err) {
      this.fail('fleet:update', err);
    }
  }

  /**
   * The same changed sites for every other scope in use: each scope's room gets the ones it may see, in one update
   * with its own seq, built once per room (not per client).
   */
  async emitScopedFleet(sites: FleetUpdate['sites']): Promise<void> {
    // Counted apart from the hub's update (emitFleetUpdate), so the events metric does not count one flush twice.
    await this.guard('fleet:update:scoped', async () => {
      const placed = new Map<string, ScopedSite>((await this.sites.all()).map((s) => [s.code, s]));
      for (const key of await this.streams.scopes()) {
        const scope = scopeOfKey(key);
        if (!scope || scope.kind === 'hub') continue;
        const mine = sites.filter((s) => {
          const site = placed.get(s.code);
          return site !== undefined && inScope(scope, site);
        });
        if (!mine.length) continue;
        const room = scopedRoom('fleet', key);
        const update = await this.streams.append<FleetUpdate>(room, { sites: mine });
        this.nsp?.to(room).except(SLOW_ROOM).emit(LIVE_EVENTS.fleetUpdate, update);
      }
    });
  }

  private async guard(event: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
      this.metrics.events.inc({ event });
    } catch (err) {
      this.fail(event, err);
    }
  }

  private fail(event: string, err: unknown): void {
    this.metrics.errors.inc();
    // At most one log line per 10 s: an outage of Redis would otherwise log once per ingest batch.
    const now = Date.now();
    if (now - this.lastLogAt < 10_000) {
      this.suppressed++;
      return;
    }
    const more = this.suppressed ? ` (and ${this.suppressed} more since the last message)` : '';
    this.lastLogAt = now;
    this.suppressed = 0;
    this.logger.warn(`${event} not published: ${(err as Error)?.message ?? String(err)}${more}`);
  }
}
