/**
 * Storage errors that mean "the database is unavailable" — answered 503 + Retry-After, the same request will succeed
 * later — rather than a fault that a retry cannot fix (500 with a request id).
 */
export function isStorageUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  return (
    // SQLite: busy/locked beyond the busy timeout, I/O, disk full, cannot open, out of memory, read-only file
    // system, and our writer thread having stopped. Not CONSTRAINT, CORRUPT, MISMATCH, ERROR: those are bugs or
    // damage that a retry cannot fix, so they are 500s.
    /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|NOMEM|PROTOCOL|READONLY|NOLFS|WORKER)/.test(code) ||
    // Network: refused, reset, unreachable, DNS.
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ECONNABORTED',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'ENETUNREACH',
    ].includes(code) ||
    // PostgreSQL: class 08 (connection), 57P01-04 (admin/crash shutdown, cannot connect now, database dropped),
    // 53xxx (out of resources), 3D000 (database missing), 25006 (read-only: a standby after failover).
    /^(08|53)/.test(code) ||
    ['57P01', '57P02', '57P03', '57P04', '3D000', '25006'].includes(code) ||
    // 40P01 / 40001 (deadlock, serialization failure): the server rolled the batch back; a retry succeeds.
    ['40P01', '40001'].includes(code) ||
    // 55000 covers other things too; only the ALTER DATABASE … ALLOW_CONNECTIONS false refusal is an outage.
    (code === '55000' && /not currently accepting connections/i.test(e?.message ?? '')) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable/i.test(
      e?.message ?? '',
    )
  );
}

/**
 * A unique constraint refused a row: two requests created the same thing at once and the other one won (the services
 * check first, so only a race gets here). A conflict (409), not a fault.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
