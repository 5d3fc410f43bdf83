import { Injectable } from '@nestjs/common';
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';

/**
 * Direct driver access for the hot paths (samples, rollups), which bypass TypeORM on purpose: a
 * `save()` per sample is orders of magnitude too slow. Everything else uses TypeORM repositories.
 */
@Injectable()
export class DbHandle {
  /** SQLite statements by SQL (rows as objects) and by `raw:` + SQL (rows as arrays), prepared once. */
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(readonly dataSource: DataSource) {}

  get dialect(): 'sqlite' | 'postgres' {
    return this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  get sqlite(): BetterSqlite3.Database {
    const driver = this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database };
    return driver.databaseConnection;
  }

  get pool(): Pool {
    const driver = this.dataSource.driver as unknown as { master: Pool };
    return driver.master;
  }

  /** A read with `?` placeholders on both dialects (rewritten to $n for PostgreSQL), rows as objects. */
  async query<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    if (this.dialect === 'sqlite') return this.prepared(sql, sql, false).all(...params) as T[];
    const { rows } = await this.pool.query(numbered(sql), [...params]);
    return rows as T[];
  }

  /** Like `query`, each row an array in column order (no object per row on large reads). */
  async queryArrays<T extends unknown[]>(sql: string, params: readonly unknown[]): Promise<T[]> {
    if (this.dialect === 'sqlite') return this.prepared(`raw:${sql}`, sql, true).all(...params) as T[];
    const { rows } = await this.pool.query<T>({ text: numbered(sql), values: [...params], rowMode: 'array' });
    return rows;
  }

  private prepared(key: string, sql: string, raw: boolean): BetterSqlite3.Statement {
    let stmt = this.statements.get(key);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      if (raw) stmt.raw(true);
      this.statements.set(key, stmt);
    }
    return stmt;
  }
}

/** `?` placeholders as PostgreSQL's $1, $2, … (the SQL of these reads has no `?` inside literals). */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}
