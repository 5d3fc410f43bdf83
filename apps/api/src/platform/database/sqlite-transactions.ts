import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { BetterSqlite3QueryRunner } from 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner';
import type { BetterSqlite3Driver } from 'typeorm/driver/better-sqlite3/BetterSqlite3Driver';

/** The fields of TypeORM's runner this module reads or shares (private or protected in its typings). */
interface RunnerInternals {
  stmtCache: Map<string, BetterSqlite3.Statement>;
  transactionDepth: number;
}

/**
 * Whose turn it is on the one SQLite connection: the query runner whose transaction is open. Others wait for it to
 * end, whether they start a transaction or run a single statement.
 */
class ConnectionTurns {
  private holder: BetterSqlite3QueryRunner | undefined;
  private ended: Promise<void> = Promise.resolve();
  private end: () => void = () => undefined;

  /** Resolves once no other runner's transaction is open. */
  async wait(r: BetterSqlite3QueryRunner): Promise<void> {
    while (this.holder && this.holder !== r) await this.ended;
  }

  async take(r: BetterSqlite3QueryRunner): Promise<void> {
    // The check and the claim in one synchronous step: no other caller can claim in between.
    while (this.holder && this.holder !== r) await this.ended;
    this.holder = r;
    this.ended = new Promise((resolve) => (this.end = resolve));
  }

  give(r: BetterSqlite3QueryRunner): void {
    if (this.holder !== r) return;
    this.holder = undefined;
    this.end();
  }
}

/**
 * Makes TypeORM's transactions on SQLite take turns. Its better-sqlite3 driver hands every caller one shared query
 * runner, so two requests' transactions interleave on the one connection: the second BEGIN fails ("cannot start a
 * transaction within a transaction"), a statement of another request lands inside an open transaction and is rolled
 * back with it although its caller was told it succeeded, and one caller's COMMIT ends another's transaction. Here
 * each caller gets its own runner (statements still prepared once, shared), a runner's transaction holds the
 * connection from BEGIN to its end, and other runners' statements wait meanwhile. Statements outside TypeORM (the
 * DbHandle's reads) do not wait; SQLite's own writer thread and the alarms' connection are separate connections.
 *
 * Inside a transaction, statements must go through its manager: one through another manager would wait for the
 * transaction it is part of, for ever. PostgreSQL needs none of this (a pool connection per runner).
 */
export function serialiseSqliteTransactions(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const driver = dataSource.driver as BetterSqlite3Driver;
  const turns = new ConnectionTurns();
  const statements = new Map<string, BetterSqlite3.Statement>();
  const connection = (): BetterSqlite3.Database => driver.databaseConnection as BetterSqlite3.Database;

  driver.createQueryRunner = () => {
    const r = new BetterSqlite3QueryRunner(driver);
    const internals = r as unknown as RunnerInternals;
    internals.stmtCache = statements;
    const query = r.query.bind(r);
    const start = r.startTransaction.bind(r);
    const commit = r.commitTransaction.bind(r);
    const rollback = r.rollbackTransaction.bind(r);
    /** After COMMIT or ROLLBACK, attempted: the turn ends once the connection's transaction has (also on errors). */
    const ended = () => {
      if (r.isTransactionActive && connection().inTransaction) return;
      r.isTransactionActive = false;
      internals.transactionDepth = 0;
      turns.give(r);
    };
    r.query = (async (...args: Parameters<typeof query>) => {
      await turns.wait(r);
      return query(...args);
    }) as typeof r.query;
    r.startTransaction = async (isolation?: IsolationLevel) => {
      const outermost = internals.transactionDepth === 0;
      if (outermost) await turns.take(r);
      try {
        await start(isolation);
      } catch (err) {
        if (outermost) {
          if (connection().inTransaction) await query('ROLLBACK').catch(() => undefined);
          r.isTransactionActive = false;
          internals.transactionDepth = 0;
          turns.give(r);
        }
        throw err;
      }
    };
    r.commitTransaction = async () => {
      try {
        await commit();
      } finally {
        ended();
      }
    };
    r.rollbackTransaction = async () => {
      try {
        await rollback();
      } finally {
        ended();
      }
    };
    return r;
  };
}
