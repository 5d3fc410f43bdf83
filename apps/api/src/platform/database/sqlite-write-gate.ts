import type BetterSqlite3 from 'better-sqlite3';

/**
 * Fair turns at SQLite's one write lock between the main thread's connection (TypeORM: admin edits, users, alarms'
 * reads-then-writes) and the telemetry writer thread. The writer thread runs transaction after transaction while a
 * backfill or a busy fleet ingests; SQLite's busy handler on the main connection polls for the lock every ~100 ms
 * and could miss the moments between two of them for longer than its timeout, answering an admin's edit 503 for
 * minutes. So the main connection says when it wants the lock (a count in shared memory, from BEGIN to COMMIT or for
 * one write statement), and the writer thread, before each transaction, waits while the count is up — bounded, so a
 * stuck count can slow ingest but never stop it.
 */
export class SqliteWriteGate {
  private readonly cell: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer);
  }

  get waiting(): number {
    return Atomics.load(this.cell, 0);
  }

  enter(): void {
    Atomics.add(this.cell, 0, 1);
  }

  leave(): void {
    Atomics.sub(this.cell, 0, 1);
    Atomics.notify(this.cell, 0);
  }

  /** Writer thread: waits up to `maxMs` while the main connection wants the lock; false if it gave up waiting. */
  giveWay(maxMs: number): boolean {
    const until = Date.now() + maxMs;
    for (;;) {
      const n = Atomics.load(this.cell, 0);
      if (n <= 0) return true;
      const left = until - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.cell, 0, n, Math.min(left, 20));
    }
  }
}

/** The gate of this process's main SQLite connection; its buffer goes to the writer thread. */
export const MAIN_WRITE_GATE = new SqliteWriteGate();

const BEGIN = /^\s*BEGIN\b/i;
const IMMEDIATE = /^\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE)\b/i;
const END = /^\s*(COMMIT|END|ROLLBACK)\b(?!\s+TO\b)/i;
const WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b/i;

/**
 * Makes `db`'s write statements hold `gate` (prepared statements are wrapped; reads are returned as they are).
 * A transaction holds it from BEGIN to COMMIT or ROLLBACK, a write outside one while it runs. Every BEGIN becomes
 * BEGIN IMMEDIATE.
 */
export function gateWrites(db: BetterSqlite3.Database, gate: SqliteWriteGate): void {
  let open = false;
  const close = () => {
    if (!open) return;
    open = false;
    gate.leave();
  };
  const prepare = db.prepare.bind(db);
  const gated = <F extends (...args: never[]) => unknown>(kind: 'begin' | 'end' | 'write', fn: F): F =>
    ((...args: Parameters<F>) => {
      if (kind === 'end' || open) {
        try {
          return fn(...args);
        } finally {
          if (kind === 'end') close();
        }
      }
      gate.enter();
      if (kind === 'begin') {
        open = true;
        try {
          return fn(...args);
        } catch (err) {
          close();
          throw err;
        }
      }
      try {
        return fn(...args);
      } finally {
        gate.leave();
      }
    }) as F;
  db.prepare = ((sql: string) => {
    const kind = BEGIN.test(sql) ? 'begin' : END.test(sql) ? 'end' : WRITE.test(sql) ? 'write' : undefined;
    // A deferred transaction that reads and then writes fails at once (SQLITE_BUSY, no busy wait) when the writer
    // thread committed in between: its snapshot is stale. Taking the write lock at BEGIN makes it wait its turn.
    const stmt = prepare(kind === 'begin' && !IMMEDIATE.test(sql) ? 'BEGIN IMMEDIATE' : sql);
    if (!kind) return stmt;
    return new Proxy(stmt, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if ((prop === 'run' || prop === 'all' || prop === 'get') && typeof value === 'function')
          return gated(kind, (value as (...a: never[]) => unknown).bind(target));
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  }) as typeof db.prepare;
}
