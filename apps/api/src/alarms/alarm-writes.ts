import type BetterSqlite3 from 'better-sqlite3';
import type { Pool, PoolClient } from 'pg';
import { activeKeyOf, type AlarmRecord } from './alarm-model';
import type { Transition } from './alarm-store';

/**
 * The alarms' persistence, one function per dialect (the SQL differs: row by row on better-sqlite3, set-based with
 * unnest on PostgreSQL). What a batch's write found: each alarm's row id (and the row, for one another instance had
 * raised), and the clears that changed nothing.
 */
export interface AlarmWrites {
  ids: Map<AlarmRecord, { id: number; duplicate: boolean; existing?: ExistingRow }>;
  noop: Set<AlarmRecord>;
}

export interface ExistingRow {
  id: number;
  acknowledged_at: number | string | null;
  acknowledged_by: string | null;
  note: string | null;
}

const INSERT_COLS =
  '"site_id", "rule_id", "rule_kind", "key", "severity", "state", "active_key", "message", "value", "threshold", "details", "event_ts", "raised_at", "cleared_at", "cleared_event_ts", "cleared_value", "acknowledged_at", "acknowledged_by", "note"';

/** Everything of a row but the id, in INSERT_COLS order. */
function rowOf(a: AlarmRecord): unknown[] {
  return [
    a.siteId,
    a.ruleId,
    a.kind,
    a.key,
    a.severity,
    a.state,
    a.state === 'active' ? activeKeyOf(a.ruleId, a.key) : null,
    a.message.slice(0, 1000),
    a.value,
    a.threshold,
    a.details ? JSON.stringify(a.details) : null,
    a.eventTs,
    a.raisedAt,
    a.clearedAt,
    a.clearedEventTs,
    a.clearedValue,
    a.acknowledgedAt,
    a.acknowledgedBy,
    a.note,
  ];
}

function auditRow(t: Transition, id: number): unknown[] {
  const a = t.snapshot;
  const details: Record<string, unknown> = {
    datacenter: a.siteCode,
    rule: a.kind,
    ruleId: a.ruleId,
    severity: a.severity,
    key: a.key,
  };
  if (t.kind === 'raised')
    Object.assign(details, {
      value: a.value,
      threshold: a.threshold,
      eventTs: new Date(a.eventTs).toISOString(),
    });
  else {
    details.value = a.clearedValue;
    details.eventTs = a.clearedEventTs === null ? null : new Date(a.clearedEventTs).toISOString();
    if (t.reason) details.reason = t.reason;
  }
  return [
    Date.now(),
    'system',
    'system',
    t.kind === 'raised' ? 'alarm.raise' : 'alarm.clear',
    `alarm:${id}`,
    null,
    JSON.stringify(details),
  ];
}

/** A raise another instance had already made, or a clear of an alarm another instance had already cleared. */
export function isDuplicate(
  t: Transition,
  ids: Map<AlarmRecord, { duplicate: boolean }>,
  noop: Set<AlarmRecord>,
): boolean {
  return t.kind === 'raised' ? !!ids.get(t.alarm)?.duplicate : noop.has(t.alarm);
}

interface Plan {
  /** Alarms without a row yet, with their state at flush time (raised and cleared in one flush: one row). */
  inserts: AlarmRecord[];
  /** Alarms with a row that were cleared. */
  clears: AlarmRecord[];
}

function plan(batch: Transition[]): Plan {
  const inserts = new Set<AlarmRecord>();
  const clears = new Set<AlarmRecord>();
  for (const t of batch) {
    if (t.alarm.id === undefined) inserts.add(t.alarm);
    else if (t.kind === 'cleared') clears.add(t.alarm);
  }
  return { inserts: [...inserts], clears: [...clears] };
}

/** One synchronous transaction (better-sqlite3); `stmt` prepares (and caches) a statement on `db`. */
export function writeSqliteAlarms(
  db: BetterSqlite3.Database,
  stmt: (sql: string) => BetterSqlite3.Statement,
  batch: Transition[],
): AlarmWrites {
  const { inserts, clears } = plan(batch);
  const ids = new Map<AlarmRecord, { id: number; duplicate: boolean; existing?: ExistingRow }>();
  const noop = new Set<AlarmRecord>();
  const insert = stmt(
    `INSERT INTO "alarms" (${INSERT_COLS}) VALUES (${INSERT_COLS.split(',')
      .map(() => '?')
      .join(', ')}) ON CONFLICT ("site_id", "active_key") DO NOTHING`,
  );
  const existing = stmt(
    'SELECT "id", "acknowledged_at", "acknowledged_by", "note" FROM "alarms" WHERE "site_id" = ? AND "active_key" = ?',
  );
  const clear = stmt(
    `UPDATE "alarms" SET "state" = 'cleared', "active_key" = NULL, "cleared_at" = ?, "cleared_event_ts" = ?, "cleared_value" = ? WHERE "id" = ? AND "state" = 'active'`,
  );
  const audit = stmt(
    'INSERT INTO "audit_log" ("at", "actor", "actor_type", "action", "target", "ip", "details") VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const tx = db.transaction(() => {
    const dupClears: AlarmRecord[] = [];
    for (const a of inserts) {
      const info = insert.run(...(rowOf(a) as unknown[]));
      if (info.changes === 1) ids.set(a, { id: Number(info.lastInsertRowid), duplicate: false });
      else {
        const row = existing.get(a.siteId, activeKeyOf(a.ruleId, a.key)) as ExistingRow | undefined;
        if (!row)
          throw new Error(
            `alarm insert ignored without a conflicting row (site ${a.siteId}, ${a.kind} ${a.key})`,
          );
        ids.set(a, { id: row.id, duplicate: true, existing: row });
        if (a.state === 'cleared') dupClears.push(a);
      }
    }
    for (const a of [...clears, ...dupClears]) {
      const id = a.id ?? ids.get(a)!.id;
      if (clear.run(a.clearedAt, a.clearedEventTs, a.clearedValue, id).changes === 0) noop.add(a);
    }
    for (const t of batch) {
      if (isDuplicate(t, ids, noop)) continue;
      audit.run(...auditRow(t, t.alarm.id ?? ids.get(t.alarm)!.id));
    }
  });
  tx.immediate();
  return { ids, noop };
}

/** One transaction, set-based: the inserts, clears and audit rows of a batch in a statement each. */
export async function writePostgresAlarms(pool: Pool, batch: Transition[]): Promise<AlarmWrites> {
  const { inserts, clears } = plan(batch);
  const ids = new Map<AlarmRecord, { id: number; duplicate: boolean; existing?: ExistingRow }>();
  const noop = new Set<AlarmRecord>();
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN');
    const dupClears: AlarmRecord[] = [];
    if (inserts.length) {
      // Ids come from the sequence first, so every inserted row maps back to its alarm whatever the order.
      const seq = await client.query<{ id: string }>(
        `SELECT nextval(pg_get_serial_sequence('alarms', 'id')) AS id FROM generate_series(1, $1)`,
        [inserts.length],
      );
      const newIds = seq.rows.map((r) => Number(r.id));
      const cols: unknown[][] = Array.from({ length: 20 }, () => []);
      inserts.forEach((a, i) => {
        cols[0]!.push(newIds[i]);
        rowOf(a).forEach((v, c) => cols[c + 1]!.push(v));
      });
      const types = [
        'int4',
        'int4',
        'int4',
        'text',
        'text',
        'text',
        'text',
        'text',
        'text',
        'float8',
        'float8',
        'text',
        'int8',
        'int8',
        'int8',
        'int8',
        'float8',
        'int8',
        'text',
        'text',
      ];
      const res = await client.query<{ id: number }>(
        `INSERT INTO "alarms" ("id", ${INSERT_COLS}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) ON CONFLICT ("site_id", "active_key") DO NOTHING RETURNING "id"`,
        cols,
      );
      const inserted = new Set(res.rows.map((r) => Number(r.id)));
      for (let i = 0; i < inserts.length; i++) {
        const a = inserts[i]!;
        if (inserted.has(newIds[i]!)) {
          ids.set(a, { id: newIds[i]!, duplicate: false });
          continue;
        }
        const found = await client.query<ExistingRow>(
          'SELECT "id", "acknowledged_at", "acknowledged_by", "note" FROM "alarms" WHERE "site_id" = $1 AND "active_key" = $2',
          [a.siteId, activeKeyOf(a.ruleId, a.key)],
        );
        const row = found.rows[0];
        if (!row)
          throw new Error(
            `alarm insert ignored without a conflicting row (site ${a.siteId}, ${a.kind} ${a.key})`,
          );
        ids.set(a, { id: Number(row.id), duplicate: true, existing: row });
        if (a.state === 'cleared') dupClears.push(a);
      }
    }
    const toClear = [...clears, ...dupClears];
    if (toClear.length) {
      const idOf = (a: AlarmRecord) => a.id ?? ids.get(a)!.id;
      const res = await client.query<{ id: number }>(
        `UPDATE "alarms" AS a SET "state" = 'cleared', "active_key" = NULL, "cleared_at" = c.at, "cleared_event_ts" = c.ets, "cleared_value" = c.v
         FROM unnest($1::int4[], $2::int8[], $3::int8[], $4::float8[]) AS c(id, at, ets, v) WHERE a."id" = c.id AND a."state" = 'active' RETURNING a."id"`,
        [
          toClear.map(idOf),
          toClear.map((a) => a.clearedAt),
          toClear.map((a) => a.clearedEventTs),
          toClear.map((a) => a.clearedValue),
        ],
      );
      const changed = new Set(res.rows.map((r) => Number(r.id)));
      for (const a of toClear) if (!changed.has(idOf(a))) noop.add(a);
    }
    const audit: unknown[][] = Array.from({ length: 7 }, () => []);
    for (const t of batch) {
      if (isDuplicate(t, ids, noop)) continue;
      auditRow(t, t.alarm.id ?? ids.get(t.alarm)!.id).forEach((v, c) => audit[c]!.push(v));
    }
    if (audit[0]!.length) {
      await client.query(
        'INSERT INTO "audit_log" ("at", "actor", "actor_type", "action", "target", "ip", "details") SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])',
        audit,
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return { ids, noop };
}
