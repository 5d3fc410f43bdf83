import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { Client, Pool } from 'pg';
import { DbHandle } from '../../src/platform/database/db-handle';
import { PostgresTelemetryStore } from '../../src/telemetry/postgres-telemetry.store';
import type { RawSample } from '../../src/telemetry/raw-layout';
import { SqliteTelemetryStore } from '../../src/telemetry/sqlite-telemetry.store';
import { TELEMETRY_STORE, type TelemetryStore } from '../../src/telemetry/telemetry-store';
import type { TestApp } from './harness';

/** Runs a read query on the app's own connection (SQLite handle or pg pool). No parameters: test SQL only. */
export async function rows<T = Record<string, unknown>>(t: TestApp, sql: string): Promise<T[]> {
  const db = t.app.get(DbHandle);
  if (db.dialect === 'sqlite') return db.sqlite.prepare(sql).all() as T[];
  const res = await db.pool.query(sql);
  return res.rows as T[];
}

/** Test-only SQL on the app's own connection (`?` placeholders on both dialects). */
export async function exec(t: TestApp, sql: string, params: unknown[] = []): Promise<void> {
  const db = t.app.get(DbHandle);
  if (db.dialect === 'sqlite') {
    db.sqlite.prepare(sql).run(...params);
    return;
  }
  let i = 0;
  await db.pool.query(
    sql.replace(/\?/g, () => `$${++i}`),
    params,
  );
}

export async function count(t: TestApp, sql: string): Promise<number> {
  const [row] = await rows<{ n: number | string }>(t, sql);
  return Number(row!.n);
}

/** Every row of every application table, as text: for "this secret is stored nowhere" checks. */
export async function dumpAllRows(t: TestApp): Promise<string> {
  const db = t.app.get(DbHandle);
  const out: string[] = [];
  if (db.dialect === 'sqlite') {
    const tables = db.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    for (const { name } of tables)
      out.push(JSON.stringify(db.sqlite.prepare(`SELECT * FROM "${name}"`).all()));
  } else {
    const { rows: tables } = await db.pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    for (const { table_name } of tables) {
      const { rows: r } = await db.pool.query<{ t: string }>(`SELECT t::text AS t FROM "${table_name}" t`);
      out.push(r.map((x) => x.t).join('\n'));
    }
  }
  return out.join('\n');
}

/**
 * A connection of the test's own to a database URL as the app understands it (sqlite:<path> or postgres://),
 * for process-level suites where the API runs in another process.
 */
export interface DirectDb {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function openDirect(databaseUrl: string): Promise<DirectDb> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    db.pragma('busy_timeout = 5000');
    return {
      // pg-style $1 placeholders are rewritten to ? so suites can share SQL.
      query: async <T>(sql: string, params: unknown[] = []) =>
        db.prepare(sql.replace(/\$\d+/g, '?')).all(...params) as T[],
      close: async () => void db.close(),
    };
  }
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  return {
    query: async <T>(sql: string, params: unknown[] = []) => (await c.query(sql, params)).rows as T[],
    close: () => c.end(),
  };
}

/** Far enough in the future for "every raw sample". */
const END_OF_TIME = 2 ** 50;

export interface StoredSample extends RawSample {
  siteId: number;
  metric: string;
  /** The receipt that wrote the stored value. */
  receiptId: number;
}

async function withReceipts(
  query: <T>(sql: string) => Promise<T[]>,
  read: (ids: number[]) => Promise<RawSample[]>,
): Promise<StoredSample[]> {
  const series = await query<{ id: number | string; site_id: number | string; metric: string }>(
    'SELECT id, site_id, metric FROM series',
  );
  const receipts = await query<{ id: number | string; site_id: number | string; seq: number | string }>(
    'SELECT id, site_id, seq FROM receipts',
  );
  const bySeries = new Map(
    series.map((r) => [Number(r.id), { siteId: Number(r.site_id), metric: r.metric }]),
  );
  const receiptOf = new Map(receipts.map((r) => [`${Number(r.site_id)}:${Number(r.seq)}`, Number(r.id)]));
  const raw = await read(series.map((r) => Number(r.id)));
  return raw.map((x) => {
    const s = bySeries.get(x.seriesId)!;
    return {
      ...x,
      siteId: s.siteId,
      metric: s.metric,
      receiptId: receiptOf.get(`${s.siteId}:${x.seq}`) ?? 0,
    };
  });
}

/** Every stored raw sample of the app (chunks and batches, last write resolved), with series and receipt. */
export async function rawSamples(t: TestApp): Promise<StoredSample[]> {
  const store = t.app.get<TelemetryStore>(TELEMETRY_STORE);
  return withReceipts(
    (sql) => rows(t, sql),
    (ids) => store.readRaw(ids, 0, END_OF_TIME),
  );
}

/** The same, from a database the test reaches directly (the API runs in another process, or is stopped). */
export async function rawSamplesDirect(databaseUrl: string): Promise<StoredSample[]> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length));
    db.pragma('busy_timeout = 5000');
    try {
      const store = new SqliteTelemetryStore(db);
      return await withReceipts(
        async <T>(sql: string) => db.prepare(sql).all() as T[],
        (ids) => store.readRaw(ids, 0, END_OF_TIME),
      );
    } finally {
      db.close();
    }
  }
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const store = new PostgresTelemetryStore(pool);
    return await withReceipts(
      async <T>(sql: string) => (await pool.query(sql)).rows as T[],
      (ids) => store.readRaw(ids, 0, END_OF_TIME),
    );
  } finally {
    await pool.end();
  }
}

/** Copies a SQLite database with its WAL and shared-memory files (a crashed state); returns the copy's URL. */
export function copySqlite(url: string, dir: string): string {
  const file = url.slice('sqlite:'.length);
  mkdirSync(dir, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) copyFileSync(file + suffix, join(dir, basename(file) + suffix));
  }
  return `sqlite:${join(dir, basename(file))}`;
}

/**
 * Makes every INSERT into `table` fail with a plain (non-outage) database error until the returned function is
 * called: a fault injected into one write path while the rest of the database works.
 */
export async function refuseInserts(t: TestApp, table: string): Promise<() => Promise<void>> {
  const db = t.app.get(DbHandle);
  const name = `refuse_${table}`;
  if (db.dialect === 'sqlite') {
    db.sqlite.exec(
      `CREATE TRIGGER ${name} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'refused by test'); END`,
    );
    return async () => void db.sqlite.exec(`DROP TRIGGER ${name}`);
  }
  await db.pool.query(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
     CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}();`,
  );
  return async () => void (await db.pool.query(`DROP TRIGGER ${name} ON ${table}; DROP FUNCTION ${name}()`));
}
