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
}
