import { Injectable, Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import type { PoolClient } from 'pg';
import { AppConfig } from '../config/app-config';
import { DbHandle } from '../database/db-handle';
import { applySqlitePragmas } from '../database/sqlite-pragmas';
import { AlarmMetrics } from './alarm.metrics';
import { activeKeyOf, type AlarmRecord } from './alarm-model';

export type TransitionKind = 'raised' | 'cleared';

/** A state change decided by the engine, persisted by the store (in order) and then announced. */
export interface Transition {
  kind: TransitionKind;
  alarm: AlarmRecord;
  /** The alarm as of this transition (the live object may have moved on by the time it is announced). */
  snapshot: AlarmRecord;
  /** Why an alarm was cleared without data (rule disabled, deleted, replaced). */
  reason?: string;
}

/** A transition that is in the database; `duplicate` when another instance had already raised (or cleared) that alarm. */
export interface Committed extends Transition {
  id: number;
  duplicate: boolean;
}

interface ExistingRow {
  id: number;
  acknowledged_at: number | string | null;
  acknowledged_by: string | null;
  note: string | null;
}

const INSERT_COLS =
  '"site_id", "rule_id", "rule_kind", "key", "severity", "state", "active_key", "message", "value", "threshold", "details", "event_ts", "raised_at", "cleared_at", "cleared_event_ts", "cleared_value", "acknowledged_at", "acknowledged_by", "note"';

/** Everything of a row but the id, in INSERT_COLS order. */
function rowOf(a: AlarmRecord): unknown[] {
  return [
    a.siteId,
    a.ruleId,
    a.kind,
    a.key,
    a.severity,
    a.state,
    a.state === 'active' ? activeKeyOf(a.ruleId, a.key) : null,
    a.message.slice(0, 1000),
    a.value,
    a.threshold,
    a.details ? JSON.stringify(a.details) : null,
    a.eventTs,
    a.raisedAt,
    a.clearedAt,
    a.clearedEventTs,
    a.clearedValue,
    a.acknowledgedAt,
    a.acknowledgedBy,
    a.note,
  ];
}

function auditRow(t: Transition, id: number): unknown[] {
  const a = t.snapshot;
  const details: Record<string, unknown> = {
    datacenter: a.siteCode,
    rule: a.kind,
    ruleId: a.ruleId,
    severity: a.severity,
    key: a.key,
  };
  if (t.kind === 'raised')
    Object.assign(details, {
      value: a.value,
      threshold: a.threshold,
      eventTs: new Date(a.eventTs).toISOString(),
    });
  else {
    details.value = a.clearedValue;
    details.eventTs = a.clearedEventTs === null ? null : new Date(a.clearedEventTs).toISOString();
    if (t.reason) details.reason = t.reason;
  }
  return [
    Date.now(),
    'system',
    'system',
    t.kind === 'raised' ? 'alarm.raise' : 'alarm.clear',
    `alarm:${id}`,
    null,
    JSON.stringify(details),
  ];
}

/** A raise another instance had already made, or a clear of an alarm another instance had already cleared. */
function isDuplicate(
  t: Transition,
  ids: Map<AlarmRecord, { duplicate: boolean }>,
  noop: Set<AlarmRecord>,
): boolean {
  return t.kind === 'raised' ? !!ids.get(t.alarm)?.duplicate : noop.has(t.alarm);
}

interface Plan {
  /** Alarms without a row yet, with their state at flush time (raised and cleared in one flush: one row). */
  inserts: AlarmRecord[];
  /** Alarms with a row that were cleared. */
  clears: AlarmRecord[];
}

function plan(batch: Transition[]): Plan {
  const inserts = new Set<AlarmRecord>();
  const clears = new Set<AlarmRecord>();
  for (const t of batch) {
    if (t.alarm.id === undefined) inserts.add(t.alarm);
    else if (t.kind === 'cleared') clears.add(t.alarm);
  }
  return { inserts: [...inserts], clears: [...clears] };
}

/**
 * Persists alarm transitions off the ingest path: transitions queue up in memory and are written in one
 * transaction at most every FLUSH_MS (a burst of hundreds of zones crossing a threshold costs one commit),
 * together with their audit-log rows. Plain SQL on purpose: TypeORM per-row saves would cost more than the
 * evaluation itself under load. At most one active alarm per (site, rule, key) is enforced by the database
 * (uq_alarms_active), so two instances raising the same alarm end up with one row.
 *
 * SQLite: the ingest writer thread holds the write lock most of the time under load, and better-sqlite3
 * waits for a lock synchronously, i.e. with the event loop blocked. So alarms write through their own
 * connection with busy_timeout 0 (when the lock is taken the flush is retried a few ms later), without
 * fsync per commit and without running WAL checkpoints (both would block the event loop too).
 */
@Injectable()
export class AlarmStore {
  /** Minimum interval between two flushes: SQLite shares one write lock with ingest, so it writes less often. */
  static readonly FLUSH_MS = { sqlite: 1000, postgres: 200 } as const;
  static readonly MAX_PER_FLUSH = 500;
  private readonly logger = new Logger('AlarmStore');
  private pending: Transition[] = [];
  /** The batch being written. */
  private inflight: Transition[] = [];
  /** Commits so far: a reader that saw the table before a commit knows its view may be stale. */
  commits = 0;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastFlushAt = 0;
  private failures = 0;
  private stopped = false;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private committedListener: (c: Committed[]) => void = () => undefined;
  private own?: BetterSqlite3.Database;
  private readonly flushMs: number;
  /** SQLite: since when the write lock has been refused (for a warning when it lasts). */
  private busySince = 0;

  constructor(
    private readonly db: DbHandle,
    private readonly config: AppConfig,
    private readonly metrics: AlarmMetrics,
  ) {
    this.flushMs = AlarmStore.FLUSH_MS[db.dialect];
  }

  /** The connection alarm writes go through (SQLite). An in-memory database exists only on TypeORM's. */
  private sqlite(): BetterSqlite3.Database {
    if (this.own) return this.own;
    const cfg = this.config.database;
    if (cfg.type !== 'sqlite' || cfg.path === ':memory:') return this.db.sqlite;
    const conn = new Database(cfg.path);
    applySqlitePragmas(conn);
    conn.pragma('busy_timeout = 0'); // never wait with the event loop blocked: retry instead
    conn.pragma('wal_autocheckpoint = 0'); // checkpoints stay with the ingest writer, off the event loop
    // No fsync per alarm commit on the event loop: a commit survives a process crash; a power cut may lose
    // the last transitions, which fresh data re-derives (a condition still present raises again, a loaded
    // alarm whose condition ended clears on the next sample). Ingest keeps synchronous=FULL.
    conn.pragma('synchronous = NORMAL');
    this.own = conn;
    return conn;
  }

  onCommitted(fn: (c: Committed[]) => void): void {
    this.committedListener = fn;
  }

  get dialect(): 'sqlite' | 'postgres' {
    return this.db.dialect;
  }

  /** Alarms whose transitions are not written yet (the engine must not let a sync from the database undo them). */
  hasPending(a: AlarmRecord): boolean {
    return this.pending.some((t) => t.alarm === a) || this.inflight.some((t) => t.alarm === a);
  }

  /** Same, by row id. */
  hasPendingId(id: number): boolean {
    return this.pending.some((t) => t.alarm.id === id) || this.inflight.some((t) => t.alarm.id === id);
  }

  enqueue(t: Transition): void {
    this.pending.push(t);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.running || this.stopped || !this.pending.length) return;
    const wait = Math.max(0, this.lastFlushAt + this.flushMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.flush().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, wait);
    this.timer.unref();
  }

  /** Writes everything pending now and waits (tests, shutdown). */
  async settle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.pending.length || this.running || this.timer) && Date.now() < deadline) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      if (this.running) await this.running;
      else if (this.pending.length) {
        this.running = this.flush().finally(() => (this.running = undefined));
        await this.running;
        if (this.pending.length) await new Promise((r) => setTimeout(r, 10)); // lock busy: a moment
      }
    }
  }

  async stop(): Promise<void> {
    await this.settle();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.own?.close();
    this.own = undefined;
  }

  private async flush(): Promise<void> {
    this.lastFlushAt = Date.now();
    if (!this.pending.length) return;
    // With TypeORM's connection (in-memory database), never write into one of its open transactions.
    if (this.db.dialect === 'sqlite' && this.sqlite().inTransaction) {
      this.lastFlushAt = Date.now() - this.flushMs + 20; // look again in 20 ms
      return;
    }
    // Bounded transactions: a storm is written in several short ones, the event loop free in between.
    const batch =
      this.pending.length > AlarmStore.MAX_PER_FLUSH
        ? this.pending.slice(0, AlarmStore.MAX_PER_FLUSH)
        : this.pending;
    this.pending =
      this.pending.length > AlarmStore.MAX_PER_FLUSH ? this.pending.slice(AlarmStore.MAX_PER_FLUSH) : [];
    if (this.pending.length) this.lastFlushAt = 0;
    this.inflight = batch;
    let committed: Committed[];
    const started = performance.now();
    try {
      committed = this.db.dialect === 'sqlite' ? this.writeSqlite(batch) : await this.writePostgres(batch);
      this.failures = 0;
      this.busySince = 0;
      this.commits++;
    } catch (err) {
      if (String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY')) {
        // The ingest writer holds the lock: try again shortly (5–25 ms), without counting a failure.
        const now = Date.now();
        if (!this.busySince) this.busySince = now;
        else if (now - this.busySince > 30_000) {
          this.logger.warn('alarm transitions waiting for the SQLite write lock for 30 s');
          this.busySince = now;
        }
        this.pending = batch.concat(this.pending);
        this.lastFlushAt = now - this.flushMs + 5 + Math.floor(Math.random() * 20);
        return;
      }
      this.failures++;
      if (this.failures <= 5) {
        this.logger.warn(
          `alarm transitions not stored (attempt ${this.failures}), retrying: ${(err as Error).message}`,
        );
        this.pending = batch.concat(this.pending);
        this.lastFlushAt = Date.now() + 1000 * 2 ** (this.failures - 1) - this.flushMs;
      } else {
        this.logger.error(
          `alarm transitions dropped after ${this.failures} failed attempts: ${(err as Error).message}`,
        );
        this.failures = 0;
      }
      return;
    } finally {
      this.inflight = [];
      this.metrics.storeSeconds.inc((performance.now() - started) / 1000);
    }
    try {
      this.committedListener(committed);
    } catch (err) {
      this.logger.error(`alarm notification failed: ${(err as Error).message}`);
    }
  }

  private stmt(sql: string): BetterSqlite3.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.sqlite().prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** One synchronous transaction (better-sqlite3). */
  private writeSqlite(batch: Transition[]): Committed[] {
    const { inserts, clears } = plan(batch);
    const ids = new Map<AlarmRecord, { id: number; duplicate: boolean; existing?: ExistingRow }>();
    const noop = new Set<AlarmRecord>();
    const insert = this.stmt(
      `INSERT INTO "alarms" (${INSERT_COLS}) VALUES (${INSERT_COLS.split(',')
        .map(() => '?')
        .join(', ')}) ON CONFLICT ("site_id", "active_key") DO NOTHING`,
    );
    const existing = this.stmt(
      'SELECT "id", "acknowledged_at", "acknowledged_by", "note" FROM "alarms" WHERE "site_id" = ? AND "active_key" = ?',
    );
    const clear = this.stmt(
      `UPDATE "alarms" SET "state" = 'cleared', "active_key" = NULL, "cleared_at" = ?, "cleared_event_ts" = ?, "cleared_value" = ? WHERE "id" = ? AND "state" = 'active'`,
    );
    const audit = this.stmt(
      'INSERT INTO "audit_log" ("at", "actor", "actor_type", "action", "target", "ip", "details") VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const tx = this.sqlite().transaction(() => {
      const dupClears: AlarmRecord[] = [];
      for (const a of inserts) {
        const info = insert.run(...(rowOf(a) as unknown[]));
        if (info.changes === 1) ids.set(a, { id: Number(info.lastInsertRowid), duplicate: false });
        else {
          const row = existing.get(a.siteId, activeKeyOf(a.ruleId, a.key)) as ExistingRow | undefined;
          if (!row)
            throw new Error(
              `alarm insert ignored without a conflicting row (site ${a.siteId}, ${a.kind} ${a.key})`,
            );
          ids.set(a, { id: row.id, duplicate: true, existing: row });
          if (a.state === 'cleared') dupClears.push(a);
        }
      }
      for (const a of [...clears, ...dupClears]) {
        const id = a.id ?? ids.get(a)!.id;
        if (clear.run(a.clearedAt, a.clearedEventTs, a.clearedValue, id).changes === 0) noop.add(a);
      }
      for (const t of batch) {
        if (isDuplicate(t, ids, noop)) continue;
        audit.run(...auditRow(t, t.alarm.id ?? ids.get(t.alarm)!.id));
      }
    });
    tx.immediate();
    return this.resolve(batch, ids, noop);
  }

  private async writePostgres(batch: Transition[]): Promise<Committed[]> {
    const { inserts, clears } = plan(batch);
    const ids = new Map<AlarmRecord, { id: number; duplicate: boolean; existing?: ExistingRow }>();
    const noop = new Set<AlarmRecord>();
    const client: PoolClient = await this.db.pool.connect();
    try {
      await client.query('BEGIN');
      const dupClears: AlarmRecord[] = [];
      if (inserts.length) {
        // Ids come from the sequence first, so every inserted row maps back to its alarm whatever the order.
        const seq = await client.query<{ id: string }>(
          `SELECT nextval(pg_get_serial_sequence('alarms', 'id')) AS id FROM generate_series(1, $1)`,
          [inserts.length],
        );
        const newIds = seq.rows.map((r) => Number(r.id));
        const cols: unknown[][] = Array.from({ length: 20 }, () => []);
        inserts.forEach((a, i) => {
          cols[0]!.push(newIds[i]);
          rowOf(a).forEach((v, c) => cols[c + 1]!.push(v));
        });
        const types = [
          'int4',
          'int4',
          'int4',
          'text',
          'text',
          'text',
          'text',
          'text',
          'text',
          'float8',
          'float8',
          'text',
          'int8',
          'int8',
          'int8',
          'int8',
          'float8',
          'int8',
          'text',
          'text',
        ];
        const res = await client.query<{ id: number }>(
          `INSERT INTO "alarms" ("id", ${INSERT_COLS}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) ON CONFLICT ("site_id", "active_key") DO NOTHING RETURNING "id"`,
          cols,
        );
        const inserted = new Set(res.rows.map((r) => Number(r.id)));
        for (let i = 0; i < inserts.length; i++) {
          const a = inserts[i]!;
          if (inserted.has(newIds[i]!)) {
            ids.set(a, { id: newIds[i]!, duplicate: false });
            continue;
          }
          const found = await client.query<ExistingRow>(
            'SELECT "id", "acknowledged_at", "acknowledged_by", "note" FROM "alarms" WHERE "site_id" = $1 AND "active_key" = $2',
            [a.siteId, activeKeyOf(a.ruleId, a.key)],
          );
          const row = found.rows[0];
          if (!row)
            throw new Error(
              `alarm insert ignored without a conflicting row (site ${a.siteId}, ${a.kind} ${a.key})`,
            );
          ids.set(a, { id: Number(row.id), duplicate: true, existing: row });
          if (a.state === 'cleared') dupClears.push(a);
        }
      }
      const toClear = [...clears, ...dupClears];
      if (toClear.length) {
        const idOf = (a: AlarmRecord) => a.id ?? ids.get(a)!.id;
        const res = await client.query<{ id: number }>(
          `UPDATE "alarms" AS a SET "state" = 'cleared', "active_key" = NULL, "cleared_at" = c.at, "cleared_event_ts" = c.ets, "cleared_value" = c.v
           FROM unnest($1::int4[], $2::int8[], $3::int8[], $4::float8[]) AS c(id, at, ets, v) WHERE a."id" = c.id AND a."state" = 'active' RETURNING a."id"`,
          [
            toClear.map(idOf),
            toClear.map((a) => a.clearedAt),
            toClear.map((a) => a.clearedEventTs),
            toClear.map((a) => a.clearedValue),
          ],
        );
        const changed = new Set(res.rows.map((r) => Number(r.id)));
        for (const a of toClear) if (!changed.has(idOf(a))) noop.add(a);
      }
      const audit: unknown[][] = Array.from({ length: 7 }, () => []);
      for (const t of batch) {
        if (isDuplicate(t, ids, noop)) continue;
        auditRow(t, t.alarm.id ?? ids.get(t.alarm)!.id).forEach((v, c) => audit[c]!.push(v));
      }
      if (audit[0]!.length) {
        await client.query(
          'INSERT INTO "audit_log" ("at", "actor", "actor_type", "action", "target", "ip", "details") SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])',
          audit,
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return this.resolve(batch, ids, noop);
  }

  /** After the commit: ids into the live objects, and the list of what to announce. */
  private resolve(
    batch: Transition[],
    ids: Map<AlarmRecord, { id: number; duplicate: boolean; existing?: ExistingRow }>,
    noop: Set<AlarmRecord>,
  ): Committed[] {
    for (const [a, ref] of ids) {
      a.id = ref.id;
      if (ref.existing && ref.existing.acknowledged_at !== null && a.acknowledgedAt === null) {
        a.acknowledgedAt = Number(ref.existing.acknowledged_at);
        a.acknowledgedBy = ref.existing.acknowledged_by;
        a.note = ref.existing.note;
      }
    }
    return batch.map((t) => {
      const id = t.alarm.id!;
      t.snapshot.id = id;
      return { ...t, id, duplicate: isDuplicate(t, ids, noop) };
    });
  }
}
