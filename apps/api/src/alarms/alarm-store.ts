import { Injectable, Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { AppConfig } from '../platform/config/app-config';
import { DbHandle } from '../platform/database/db-handle';
import { applySqlitePragmas } from '../platform/database/sqlite-pragmas';
import { AlarmEntity } from './alarm.entity';
import { AlarmMetrics } from './alarm.metrics';
import type { AlarmRecord } from './alarm-model';
import { isDuplicate, writePostgresAlarms, writeSqliteAlarms, type AlarmWrites } from './alarm-writes';

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

  /** The active alarms' rows with their site, oldest first (the engine adopts them at boot and at each sync). */
  activeRows(): Promise<AlarmEntity[]> {
    return this.db.dataSource.getRepository(AlarmEntity).find({
      where: { state: 'active' },
      relations: { site: true },
      order: { id: 'ASC' },
    });
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
    return this.resolve(
      batch,
      writeSqliteAlarms(this.sqlite(), (sql) => this.stmt(sql), batch),
    );
  }

  private async writePostgres(batch: Transition[]): Promise<Committed[]> {
    return this.resolve(batch, await writePostgresAlarms(this.db.pool, batch));
  }

  /** After the commit: ids into the live objects, and the list of what to announce. */
  private resolve(batch: Transition[], { ids, noop }: AlarmWrites): Committed[] {
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
