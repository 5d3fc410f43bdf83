/**
 * Entities and migrations agree: after running every migration on an empty database, TypeORM's schema
 * builder has nothing left to do. This is the "entity changed without a migration" check of CI.
 */
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../src/platform/config/app-config';
import { createDataSource, dataSourceOptions } from '../src/platform/database/data-source';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../src/platform/database/migrations';
import { dialects, freshDatabase } from './support/harness';

function configOf(url: string): DatabaseConfig {
  return url.startsWith('sqlite:')
    ? { type: 'sqlite', path: url.slice('sqlite:'.length) }
    : { type: 'postgres', url };
}

describe.each(dialects())('schema on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await freshDatabase(dialect);
    ds = createDataSource(dataSourceOptions(configOf(db.url)));
    await ds.initialize();
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await db?.drop();
  });

  it('never synchronizes: schema changes only through migrations', () => {
    const options = dataSourceOptions(configOf(db.url));
    expect(options.synchronize).toBe(false);
    expect(options.migrationsRun).toBe(false);
    expect(options.migrations).toBe(dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS);
    expect(ds.options.synchronize).toBe(false);
  });

  it('runs every migration on an empty database', async () => {
    expect(await ds.showMigrations()).toBe(true); // pending before
    const ran = await ds.runMigrations({ transaction: 'each' });
    expect(ran.map((m) => m.name)).toEqual(
      (dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS).map((m) => m.name),
    );
    expect(await ds.showMigrations()).toBe(false);
  });

  it('finds an entity for every table the migrations create, raw telemetry aside (no list to forget)', async () => {
    const tables: { name: string }[] = await ds.query(
      dialect === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        : "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition",
    );
    const expected = tables
      .map((t) => t.name)
      .filter((n) => n !== 'migrations' && n !== 'samples_legacy' && !n.startsWith('raw_'))
      .sort();
    expect(expected.length).toBeGreaterThan(10);
    expect(ds.entityMetadatas.map((m) => m.tableName).sort()).toEqual(expected);
  });

  it('leaves the schema builder nothing to do (entities and migrations agree)', async () => {
    const log = await ds.driver.createSchemaBuilder().log();
    expect(log.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('notices drift (so the check above can fail): a dropped index is reported', async () => {
    await ds.query('DROP INDEX ix_audit_log_at');
    const log = await ds.driver.createSchemaBuilder().log();
    expect(log.upQueries.map((q) => q.query).join('\n')).toMatch(/CREATE INDEX "ix_audit_log_at"/);
  });

  it('migrations revert cleanly to an empty schema', async () => {
    await ds.query('CREATE INDEX ix_audit_log_at ON audit_log ("at")');
    for (let i = 0; i < (dialect === 'sqlite' ? SQLITE_MIGRATIONS : POSTGRES_MIGRATIONS).length; i++)
      await ds.undoLastMigration();
    const tables =
      dialect === 'sqlite'
        ? ((await ds.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'migrations'",
          )) as { name: string }[])
        : ((await ds.query(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'",
          )) as { name: string }[]);
    expect(tables.map((t) => t.name)).toEqual([]);
  });
});
