import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Alarm rules (fleet-wide or per site) and alarms (history; at most one active per rule, site and key). */
export class CreateAlarms1795939530000 implements MigrationInterface {
  name = 'CreateAlarms1795939530000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "alarm_rules" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "site_id" integer, "kind" varchar(32) NOT NULL, "severity" varchar(16) NOT NULL, "params" text NOT NULL, "enabled" boolean NOT NULL, "builtin" varchar(64), "webhook_url" varchar(2000), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, CONSTRAINT "fk_alarm_rules_site" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_alarm_rules_builtin" ON "alarm_rules" ("builtin")`);
    await q.query(`CREATE INDEX "ix_alarm_rules_site" ON "alarm_rules" ("site_id")`);
    await q.query(
      `CREATE TABLE "alarms" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "site_id" integer NOT NULL, "rule_id" integer, "rule_kind" varchar(32) NOT NULL, "key" varchar(300) NOT NULL, "severity" varchar(16) NOT NULL, "state" varchar(16) NOT NULL, "active_key" varchar(340), "message" varchar(1000) NOT NULL, "value" double precision, "threshold" double precision, "details" text, "event_ts" bigint NOT NULL, "raised_at" bigint NOT NULL, "cleared_at" bigint, "cleared_event_ts" bigint, "cleared_value" double precision, "acknowledged_at" bigint, "acknowledged_by" varchar(64), "note" varchar(1000), CONSTRAINT "fk_alarms_rule" FOREIGN KEY ("rule_id") REFERENCES "alarm_rules" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_alarms_active" ON "alarms" ("site_id", "active_key")`);
    await q.query(`CREATE INDEX "ix_alarms_site" ON "alarms" ("site_id", "id")`);
    await q.query(`CREATE INDEX "ix_alarms_state" ON "alarms" ("state", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "ix_alarms_state"');
    await q.query('DROP INDEX "ix_alarms_site"');
    await q.query('DROP INDEX "uq_alarms_active"');
    await q.query('DROP TABLE "alarms"');
    await q.query('DROP INDEX "ix_alarm_rules_site"');
    await q.query('DROP INDEX "uq_alarm_rules_builtin"');
    await q.query('DROP TABLE "alarm_rules"');
  }
}
