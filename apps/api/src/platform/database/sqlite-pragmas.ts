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
  // 8 MiB per connection: the hot path appends one row per batch, and the rest of the working set (rollup pages,
  // 50,000 series' worth, far more than any cache here) stays in the OS page cache, which is not this process's
  // memory. 32 MiB cost ~25 MB of RSS at full ingest for no measurable gain (CHANGELOG, storage v2).
  conn.pragma('cache_size = -8192');
  conn.pragma('temp_store = MEMORY');
}
