import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { gateWrites, SqliteWriteGate } from './sqlite-write-gate';

describe('SqliteWriteGate', () => {
  let db: Database.Database;
  let gate: SqliteWriteGate;
  /** What the gate said while SQLite ran the statement (a SQL function called by it). */
  let seen: number[];

  beforeEach(() => {
    db = new Database(join(mkdtempSync(join(tmpdir(), 'gate-')), 'gate.db'));
    gate = new SqliteWriteGate();
    seen = [];
    db.function('seen', (x: number) => {
      seen.push(gate.waiting);
      return x;
    });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)');
    gateWrites(db, gate);
  });
  afterEach(() => db.close());

  it('holds the gate while a write outside a transaction runs, not for reads', () => {
    db.prepare('INSERT INTO t (v) VALUES (seen(1))').run();
    expect(db.prepare('SELECT seen(v) AS v FROM t').all()).toEqual([{ v: 1 }]);
    expect(seen).toEqual([1, 0]);
    expect(gate.waiting).toBe(0);
  });

  it('holds it from BEGIN to COMMIT or ROLLBACK, across statements; a savepoint rollback keeps it', () => {
    db.prepare('BEGIN TRANSACTION').run();
    expect(gate.waiting).toBe(1);
    db.prepare('INSERT INTO t (v) VALUES (seen(2))').run();
    db.prepare('SAVEPOINT s').run();
    db.prepare('ROLLBACK TO SAVEPOINT s').run();
    expect(gate.waiting).toBe(1);
    db.prepare('COMMIT').run();
    expect(seen).toEqual([1]);
    expect(gate.waiting).toBe(0);
    db.prepare('BEGIN').run();
    db.prepare('ROLLBACK').run();
    expect(gate.waiting).toBe(0);
  });

  it('makes a deferred BEGIN immediate: the write lock is taken at once', () => {
    const other = new Database(db.name);
    other.pragma('busy_timeout = 0');
    db.prepare('BEGIN TRANSACTION').run();
    expect(() => other.prepare('INSERT INTO t (v) VALUES (9)').run()).toThrow(/locked|busy/i);
    db.prepare('ROLLBACK').run();
    other.prepare('INSERT INTO t (v) VALUES (9)').run();
    other.close();
  });

  it('lets go when a write fails', () => {
    db.prepare('INSERT INTO t (id, v) VALUES (1, 1)').run();
    expect(() => db.prepare('INSERT INTO t (id, v) VALUES (1, 2)').run()).toThrow(/UNIQUE/);
    expect(gate.waiting).toBe(0);
  });

  it('gives way while the count is up, and gives up after its bound', () => {
    expect(gate.giveWay(5)).toBe(true);
    gate.enter();
    expect(gate.giveWay(5)).toBe(false);
    gate.leave();
    expect(gate.giveWay(5)).toBe(true);
  });

  it('shares the count with another view of the same memory (the writer thread)', () => {
    const other = new SqliteWriteGate(gate.buffer);
    gate.enter();
    expect(other.waiting).toBe(1);
    gate.leave();
    expect(other.waiting).toBe(0);
  });
});
