import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { createDataSource } from './data-source';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SQLite transactions through TypeORM take turns', () => {
  let ds: DataSource;

  beforeEach(async () => {
    const options: DataSourceOptions = {
      type: 'better-sqlite3',
      database: join(mkdtempSync(join(tmpdir(), 'tx-')), 'tx.db'),
      entities: [],
    };
    ds = await createDataSource(options).initialize();
    await ds.query('CREATE TABLE t (v INTEGER PRIMARY KEY)');
  });
  afterEach(() => ds.destroy());

  const values = async () =>
    ((await ds.query('SELECT v FROM t ORDER BY v')) as { v: number }[]).map((r) => r.v);

  it('runs concurrent transactions one after another, each committed', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        ds.manager.transaction(async (m) => {
          await m.query('INSERT INTO t (v) VALUES (?)', [i]);
          await pause(2);
          await m.query('INSERT INTO t (v) VALUES (?)', [100 + i]);
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await values()).toHaveLength(20);
  });

  it("keeps another caller's statements out of a transaction that rolls back", async () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const failing = ds.manager.transaction(async (m) => {
      await m.query('INSERT INTO t (v) VALUES (1)');
      open();
      await pause(30);
      throw new Error('refused');
    });
    await opened;
    // Both start while the failing transaction is open; neither may be rolled back with it.
    const plain = ds.query('INSERT INTO t (v) VALUES (2)');
    const other = ds.manager.transaction((m) => m.query('INSERT INTO t (v) VALUES (3)'));
    await expect(failing).rejects.toThrow('refused');
    await Promise.all([plain, other]);
    expect(await values()).toEqual([2, 3]);
  });

  it('a nested transaction is a savepoint of its own caller, not a wait', async () => {
    await ds.manager.transaction(async (m) => {
      await m.query('INSERT INTO t (v) VALUES (1)');
      await expect(
        m.transaction(async (inner) => {
          await inner.query('INSERT INTO t (v) VALUES (2)');
          throw new Error('inner refused');
        }),
      ).rejects.toThrow('inner refused');
      await m.query('INSERT INTO t (v) VALUES (3)');
    });
    expect(await values()).toEqual([1, 3]);
  });

  it('a transaction whose COMMIT fails ends its turn', async () => {
    await ds.query('CREATE TABLE p (id INTEGER PRIMARY KEY)');
    await ds.query('CREATE TABLE c (p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)');
    await ds.query('PRAGMA foreign_keys = ON');
    await expect(ds.manager.transaction((m) => m.query('INSERT INTO c (p) VALUES (42)'))).rejects.toThrow(
      /FOREIGN KEY/,
    );
    await ds.manager.transaction((m) => m.query('INSERT INTO t (v) VALUES (7)'));
    expect(await values()).toEqual([7]);
  });
});
