/** Pragmas for every SQLite connection (TypeORM's and the telemetry writer's). */
export function applySqlitePragmas(conn: { pragma: (s: string) => unknown }): void {
  // WAL + synchronous=FULL: a committed batch survives a process kill and a power cut.
  // Before the first table exists this makes freed pages returnable (retention runs incremental_vacuum); on an
  // older database it is recorded and takes effect at its next VACUUM.
  conn.pragma('auto_vacuum = INCREMENTAL');
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = FULL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  // 32 MiB per connection: the hot path writes one row per batch now, and the rest of the working set (rollup
  // pages) stays in the OS page cache, which is not this process's memory.
  conn.pragma('cache_size = -32768');
  conn.pragma('temp_store = MEMORY');
}
