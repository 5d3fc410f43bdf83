import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * alarms.rule_id loses its foreign key (alarms has none now, like receipts): alarm transitions are written in
 * bulk next to ingest, and a raise racing a rule deletion must not fail a whole batch of transitions.
 * AlarmRulesService sets rule_id to NULL when it deletes a rule. SQLite drops a constraint by rebuilding the table.
 */
export class DropAlarmsRuleForeignKey1795944976000 implements MigrationInterface {
  name = 'DropAlarmsRuleForeignKey1795944976000';

  async up(q: QueryRunner): Promise<void> {
    await this.rebuild(q, '');
  }

  async down(q: QueryRunner): Promise<void> {
    await this.rebuild(
      q,
      `, CONSTRAINT "fk_alarms_rule" FOREIGN KEY ("rule_id") REFERENCES "alarm_rules" ("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  private async rebuild(q: QueryRunner, constraints: string): Promise<void> {
    const cols =
      '"id", "site_id", "rule_id", "rule_kind", "key", "severity", "state", "active_key", "message", "value", "threshold", "details", "event_ts", "raised_at", "cleared_at", "cleared_event_ts", "cleared_value", "acknowledged_at", "acknowledged_by", "note"';
    await q.query('DROP INDEX "ix_alarms_state"');
    await q.query('DROP INDEX "ix_alarms_site"');
    await q.query('DROP INDEX "uq_alarms_active"');
    await q.query(
      `CREATE TABLE "temporary_alarms" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "site_id" integer NOT NULL, "rule_id" integer, "rule_kind" varchar(32) NOT NULL, "key" varchar(300) NOT NULL, "severity" varchar(16) NOT NULL, "state" varchar(16) NOT NULL, "active_key" varchar(340), "message" varchar(1000) NOT NULL, "value" double precision, "threshold" double precision, "details" text, "event_ts" bigint NOT NULL, "raised_at" bigint NOT NULL, "cleared_at" bigint, "cleared_event_ts" bigint, "cleared_value" double precision, "acknowledged_at" bigint, "acknowledged_by" varchar(64), "note" varchar(1000)${constraints})`,
    );
    await q.query(`INSERT INTO "temporary_alarms"(${cols}) SELECT ${cols} FROM "alarms"`);
    await q.query('DROP TABLE "alarms"');
    await q.query('ALTER TABLE "temporary_alarms" RENAME TO "alarms"');
    await q.query('CREATE INDEX "ix_alarms_state" ON "alarms" ("state", "id")');
    await q.query('CREATE INDEX "ix_alarms_site" ON "alarms" ("site_id", "id")');
    await q.query('CREATE UNIQUE INDEX "uq_alarms_active" ON "alarms" ("site_id", "active_key")');
  }
}
