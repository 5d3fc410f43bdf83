import { randomBytes } from 'node:crypto';
import type { FleetUpdate, LiveStreamEvent, SiteSnapshot } from '@dcfleet/contracts';
import type { Redis } from 'ioredis';
import { LiveBuffer } from './live-buffer';

/** Result of reading a room's stream for a (re)subscribing client. */
export interface StreamPosition {
  /** The room's current seq (0 before its first event). */
  seq: number;
  epoch: string;
  /** Events after the client's lastSeq (oldest first); null when they are gone and the client must resync. */
  missed: LiveStreamEvent[] | null;
}

/** What a fleet flush did: emitted an update, found nothing to send, or must retry after `retryInMs`. */
export type FleetFlush =
  { kind: 'emit'; update: FleetUpdate } | { kind: 'empty' } | { kind: 'deferred'; retryInMs: number };

/**
 * Sequence numbers and recent-event buffers of the live rooms.
 *
 * Sequence numbers are per room (`fleet`, `dc:<code>`, `alarms`, `ratings`), start at 1 and have no gaps, so
 * a client that sees seq n+2 after n knows it missed something. Where they come from:
 * - without Redis (one API instance) they are counted in memory; `epoch` is random per process, so a client
 *   resuming across a restart is told to resync instead of being handed another process's numbers;
 * - with REDIS_URL (several instances) every seq is allocated by Redis (INCR in a Lua script that also stores
 *   the event in a capped sorted set), so all instances share one sequence and one buffer per room and a
 *   client can resume on any instance. `epoch` lives in Redis too and changes only if Redis loses the keys.
 */
export interface LiveStreams {
  readonly mode: 'local' | 'redis';
  /**
   * Allocates the room's next seq, buffers the event and returns it with its seq. `bytes`, when the caller
   * knows it, is the event's approximate JSON size (the buffers' byte budget); otherwise it is measured.
   */
  append<T extends LiveStreamEvent>(room: string, body: Omit<T, 'seq'>, bytes?: number): Promise<T>;
  /** Local mode only: counts an event nobody can want without storing it (LiveBuffer.skip). */
  skip?(room: string): void;
  /** Current seq and, when `lastSeq` is given, what came after it. */
  read(room: string, lastSeq?: number, epoch?: string): Promise<StreamPosition>;
  /**
   * Coalesces fleet updates: adds these snapshots to the pending set and emits at most one `fleet` event per
   * interval across all instances.
   */
  flushFleet(snapshots: SiteSnapshot[], intervalMs: number): Promise<FleetFlush>;
  /**
   * The newest snapshot of these sites published by any instance (through flushFleet), by code. Each
   * instance's SnapshotService only sees the batches it ingested itself, so with several instances the
   * gateway answers `subscribe` with whichever is newer, this or the local one. Empty without Redis.
   */
  sharedSnapshots(codes: string[]): Promise<Map<string, SiteSnapshot>>;
  /**
   * Scopes with sockets (live-scope.ts keys), on every instance: the instance that emits a scoped event sends it to
   * each of them that includes its site. Registered at connect, never removed (a handful per organisation and
   * regulator; an event for a scope nobody watches any more costs one buffered append).
   */
  addScope(key: string): Promise<void>;
  scopes(): Promise<string[]>;
  close(): Promise<void>;
}

export const FLEET_ROOM = 'fleet';
export const dcRoom = (code: string): string => `dc:${code}`;

function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** One process: counters and ring buffers in memory. */
export class LocalLiveStreams implements LiveStreams {
  readonly mode = 'local' as const;
  private readonly epoch = newEpoch();
  private readonly buffers = new Map<string, LiveBuffer<LiveStreamEvent>>();
  private readonly pendingFleet = new Map<string, SiteSnapshot>();
  private lastFleetAt = -Infinity;

  constructor(
    private readonly capacity: number,
    private readonly maxBytes: number,
  ) {}

  private buffer(room: string): LiveBuffer<LiveStreamEvent> {
    let b = this.buffers.get(room);
    if (!b) {
      b = new LiveBuffer<LiveStreamEvent>(this.capacity, this.maxBytes);
      this.buffers.set(room, b);
    }
    return b;
  }

  private appendSync<T extends LiveStreamEvent>(room: string, body: Omit<T, 'seq'>, bytes?: number): T {
    const b = this.buffer(room);
    const event = { seq: b.lastSeq + 1, ...body } as T;
    // Unless the caller estimated it, serialized once more here (socket.io encodes once per emit): the budget.
    b.push(event, bytes ?? JSON.stringify(event).length);
    return event;
  }

  async append<T extends LiveStreamEvent>(room: string, body: Omit<T, 'seq'>, bytes?: number): Promise<T> {
    return this.appendSync(room, body, bytes);
  }

  skip(room: string): void {
    this.buffer(room).skip();
  }

  async read(room: string, lastSeq?: number, epoch?: string): Promise<StreamPosition> {
    const b = this.buffers.get(room);
    const seq = b?.lastSeq ?? 0;
    if (lastSeq === undefined) return { seq, epoch: this.epoch, missed: [] };
    if (epoch !== undefined && epoch !== this.epoch) return { seq, epoch: this.epoch, missed: null };
    const missed = b ? b.since(lastSeq) : lastSeq === 0 ? [] : null;
    return { seq, epoch: this.epoch, missed };
  }

  async flushFleet(snapshots: SiteSnapshot[], intervalMs: number): Promise<FleetFlush> {
    for (const s of snapshots) this.pendingFleet.set(s.code, s);
    if (!this.pendingFleet.size) return { kind: 'empty' };
    const wait = this.lastFleetAt + intervalMs - Date.now();
    if (wait > 0) return { kind: 'deferred', retryInMs: wait };
    const sites = [...this.pendingFleet.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
    this.pendingFleet.clear();
    this.lastFleetAt = Date.now();
    return { kind: 'emit', update: this.appendSync<FleetUpdate>(FLEET_ROOM, { sites }) };
  }

  async sharedSnapshots(): Promise<Map<string, SiteSnapshot>> {
    return new Map();
  }

  private readonly scopeKeys = new Set<string>();

  async addScope(key: string): Promise<void> {
    this.scopeKeys.add(key);
  }

  async scopes(): Promise<string[]> {
    return [...this.scopeKeys];
  }

  async close(): Promise<void> {
    this.buffers.clear();
  }
}

// Trims a buffer (KEYS[2]) whose byte total is in KEYS[3] to ARGV[1] events and ARGV[2] bytes, always keeping
// the newest event. Shared by both writing scripts.
const TRIM_LUA = `
local n = redis.call('ZCARD', KEYS[2])
local cap = tonumber(ARGV[1])
local maxBytes = tonumber(ARGV[2])
while n > 1 and (n > cap or total > maxBytes) do
  local old = redis.call('ZPOPMIN', KEYS[2])
  total = redis.call('DECRBY', KEYS[3], string.len(old[1]))
  n = n - 1
end
`;

// KEYS: seq, buffer, buffer bytes. ARGV: capacity, max bytes, body (a JSON object without seq). Returns the seq.
const APPEND_LUA = `
local seq = redis.call('INCR', KEYS[1])
local body = ARGV[3]
local member
if body == '{}' then member = '{"seq":' .. seq .. '}' else member = '{"seq":' .. seq .. ',' .. string.sub(body, 2) end
redis.call('ZADD', KEYS[2], seq, member)
local total = redis.call('INCRBY', KEYS[3], string.len(member))
${TRIM_LUA}
return seq
`;

// KEYS: seq, buffer, epoch. ARGV: lastSeq ('' for none), capacity, candidate epoch.
// Returns { seq, epoch, status (0 resync, 1 ok), events... as one nested array }. Atomic, so the events are
// exactly those allocated up to seq.
const READ_LUA = `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local ep = redis.call('GET', KEYS[3])
if not ep then
  ep = ARGV[3]
  redis.call('SET', KEYS[3], ep)
end
if ARGV[1] == '' then return {cur, ep, 1, {}} end
local last = tonumber(ARGV[1])
if last > cur or cur - last > tonumber(ARGV[2]) then return {cur, ep, 0, {}} end
if last == cur then return {cur, ep, 1, {}} end
return {cur, ep, 1, redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. last, '+inf')}
`;

// KEYS: fleet seq, fleet buffer, its bytes, pending hash, interval lock, snapshots hash, snapshot times hash.
// ARGV: capacity, max bytes, intervalMs, then code, snapshot json, newest sample time (ms) per changed site.
// Keeps the newest snapshot per site (by sample time) in the shared snapshots hash and marks it pending.
// Whoever then finds the lock free takes it for intervalMs and emits everything pending (sites sorted by
// code) as the next fleet event: across all instances at most one fleet:update per interval, one seq sequence.
const FLEET_LUA = `
for i = 4, #ARGV, 3 do
  local code = ARGV[i]
  local at = tonumber(ARGV[i + 2])
  local prev = tonumber(redis.call('HGET', KEYS[7], code) or '-1')
  if at >= prev then
    redis.call('HSET', KEYS[6], code, ARGV[i + 1])
    redis.call('HSET', KEYS[7], code, ARGV[i + 2])
  end
  redis.call('HSET', KEYS[4], code, '1')
end
if redis.call('HLEN', KEYS[4]) == 0 then return {0, ''} end
if not redis.call('SET', KEYS[5], '1', 'NX', 'PX', ARGV[3]) then
  local ttl = redis.call('PTTL', KEYS[5])
  if ttl < 1 then ttl = 1 end
  return {-1, tostring(ttl)}
end
local codes = redis.call('HKEYS', KEYS[4])
redis.call('DEL', KEYS[4])
table.sort(codes)
local sites = {}
for i, c in ipairs(codes) do
  local snap = redis.call('HGET', KEYS[6], c)
  if snap then sites[#sites + 1] = snap end
end
local seq = redis.call('INCR', KEYS[1])
local member = '{"seq":' .. seq .. ',"sites":[' .. table.concat(sites, ',') .. ']}'
redis.call('ZADD', KEYS[2], seq, member)
local total = redis.call('INCRBY', KEYS[3], string.len(member))
${TRIM_LUA}
return {seq, member}
`;

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/** Several instances: seq via Redis INCR, buffers as capped sorted sets (score = seq), shared by all. */
export class RedisLiveStreams implements LiveStreams {
  readonly mode = 'redis' as const;
  private readonly append$: ScriptFn;
  private readonly read$: ScriptFn;
  private readonly fleet$: ScriptFn;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly capacity: number,
    private readonly maxBytes: number,
  ) {
    redis.defineCommand('dcfleetLiveAppend', { numberOfKeys: 3, lua: APPEND_LUA });
    redis.defineCommand('dcfleetLiveRead', { numberOfKeys: 3, lua: READ_LUA });
    redis.defineCommand('dcfleetLiveFleet', { numberOfKeys: 7, lua: FLEET_LUA });
    const commands = redis as unknown as Record<string, ScriptFn>;
    this.append$ = commands['dcfleetLiveAppend']!.bind(redis);
    this.read$ = commands['dcfleetLiveRead']!.bind(redis);
    this.fleet$ = commands['dcfleetLiveFleet']!.bind(redis);
  }

  private key(kind: string, room?: string): string {
    return room === undefined ? `${this.prefix}:live:${kind}` : `${this.prefix}:live:${kind}:${room}`;
  }

  async append<T extends LiveStreamEvent>(room: string, body: Omit<T, 'seq'>): Promise<T> {
    // Redis measures the stored JSON itself (the script's byte counter).
    const seq = Number(
      await this.append$(
        this.key('seq', room),
        this.key('buf', room),
        this.key('bytes', room),
        this.capacity,
        this.maxBytes,
        JSON.stringify(body),
      ),
    );
    return { seq, ...body } as T;
  }

  async read(room: string, lastSeq?: number, epoch?: string): Promise<StreamPosition> {
    const [cur, ep, status, items] = (await this.read$(
      this.key('seq', room),
      this.key('buf', room),
      this.key('epoch'),
      lastSeq === undefined ? '' : String(lastSeq),
      this.capacity,
      newEpoch(),
    )) as [number, string, number, string[]];
    const seq = Number(cur);
    if (lastSeq === undefined) return { seq, epoch: ep, missed: [] };
    if (status === 0 || (epoch !== undefined && epoch !== ep)) return { seq, epoch: ep, missed: null };
    const missed = items.map((m) => JSON.parse(m) as LiveStreamEvent);
    // Complete and contiguous, or nothing: a partial list would be a silent gap.
    const complete = missed.length === seq - lastSeq && missed.every((e, i) => e.seq === lastSeq + 1 + i);
    return { seq, epoch: ep, missed: complete ? missed : null };
  }

  async flushFleet(snapshots: SiteSnapshot[], intervalMs: number): Promise<FleetFlush> {
    const args: string[] = [];
    for (const s of snapshots) {
      args.push(s.code, JSON.stringify(s), String(s.lastSampleAt ? Date.parse(s.lastSampleAt) : 0));
    }
    const [a, b] = (await this.fleet$(
      this.key('seq', FLEET_ROOM),
      this.key('buf', FLEET_ROOM),
      this.key('bytes', FLEET_ROOM),
      this.key('fleet-pending'),
      this.key('fleet-lock'),
      this.key('snapshots'),
      this.key('snapshots-at'),
      this.capacity,
      this.maxBytes,
      intervalMs,
      ...args,
    )) as [number, string];
    if (a === 0) return { kind: 'empty' };
    if (a === -1) return { kind: 'deferred', retryInMs: Number(b) };
    return { kind: 'emit', update: JSON.parse(b) as FleetUpdate };
  }

  async sharedSnapshots(codes: string[]): Promise<Map<string, SiteSnapshot>> {
    const out = new Map<string, SiteSnapshot>();
    if (!codes.length) return out;
    const rows = await this.redis.hmget(this.key('snapshots'), ...codes);
    rows.forEach((json, i) => {
      if (json) out.set(codes[i]!, JSON.parse(json) as SiteSnapshot);
    });
    return out;
  }

  /** Known locally: each instance adds its sockets' scopes to Redis once. */
  private readonly added = new Set<string>();

  async addScope(key: string): Promise<void> {
    if (this.added.has(key)) return;
    await this.redis.sadd(this.key('scopes'), key);
    this.added.add(key);
  }

  async scopes(): Promise<string[]> {
    return this.redis.smembers(this.key('scopes'));
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
