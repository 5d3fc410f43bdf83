import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { types as pgTypes } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import type BetterSqlite3 from 'better-sqlite3';
import { applySqlitePragmas } from './sqlite-pragmas';
import { gateWrites, MAIN_WRITE_GATE } from './sqlite-write-gate';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations';
import { serialiseSqliteTransactions } from './sqlite-transactions';

/**
 * Every `*.entity` file of the app, wherever its domain keeps it: the data source finds entities by name, so no
 * file has to import every feature's entities. The pattern takes the sources under Jest and the build's `.js` files.
 * Raw telemetry (`raw_batches`, `raw_chunks`) has no entity: binary payloads need a per-dialect column type and
 * only the telemetry stores' own SQL touches them; their schema is in the ChunkedRawStorage migrations.
 */
const APP_ROOT = join(__dirname, '..', '..'); // src under Jest, dist when built: this file is platform/database/
const ENTITIES = [join(APP_ROOT, '**', '*.entity.{ts,js}')];

// BIGINT (int8) columns hold epoch milliseconds, far below 2^53: read them as numbers.
pgTypes.setTypeParser(20, (v: string) => Number(v));

/**
 * The one place that turns configuration into TypeORM options, shared by the app, the migration check
 * and the tests. Schema changes only through migrations: `synchronize` stays off.
 */
export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  if (db.type === 'sqlite') {
    if (db.path !== ':memory:') {
      mkdirSync(dirname(db.path), { recursive: true, mode: 0o700 });
      // Created owner-only (SQLite would use the umask, typically 0644: readable by every local user); SQLite gives
      // its -wal and -shm files the database file's mode.
      if (!existsSync(db.path)) closeSync(openSync(db.path, 'a', 0o600));
    }
    return {
      type: 'better-sqlite3',
      database: db.path,
      entities: ENTITIES,
      migrations: SQLITE_MIGRATIONS,
      migrationsRun: false,
      synchronize: false,
      prepareDatabase: (conn: BetterSqlite3.Database) => {
        applySqlitePragmas(conn);
        gateWrites(conn, MAIN_WRITE_GATE);
      },
    } as DataSourceOptions;
  }
  return {
    type: 'postgres',
    url: db.url,
    entities: ENTITIES,
    migrations: POSTGRES_MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    extra: { max: 10, connectionTimeoutMillis: 5000 },
  };
}

/** A data source for these options, not yet initialised; on SQLite its transactions take turns. */
export function createDataSource(options: DataSourceOptions): DataSource {
  const dataSource = new DataSource(options);
  serialiseSqliteTransactions(dataSource);
  return dataSource;
}
