import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alarm rules (fleet-wide or per site) and alarms (history; at most one active per rule, site and key).
 * alarms.site_id has no foreign key on purpose (see AlarmEntity.site).
 */
export class CreateAlarms1795939530000 implements MigrationInterface {
  name = 'CreateAlarms1795939530000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "alarm_rules" ("id" SERIAL NOT NULL, "site_id" integer, "kind" character varying(32) NOT NULL, "severity" character varying(16) NOT NULL, "params" text NOT NULL, "enabled" boolean NOT NULL, "builtin" character varying(64), "webhook_url" character varying(2000), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, CONSTRAINT "pk_alarm_rules" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_alarm_rules_builtin" ON "alarm_rules" ("builtin")`);
    await q.query(`CREATE INDEX "ix_alarm_rules_site" ON "alarm_rules" ("site_id")`);
    await q.query(
      `CREATE TABLE "alarms" ("id" SERIAL NOT NULL, "site_id" integer NOT NULL, "rule_id" integer, "rule_kind" character varying(32) NOT NULL, "key" character varying(300) NOT NULL, "severity" character varying(16) NOT NULL, "state" character varying(16) NOT NULL, "active_key" character varying(340), "message" character varying(1000) NOT NULL, "value" double precision, "threshold" double precision, "details" text, "event_ts" bigint NOT NULL, "raised_at" bigint NOT NULL, "cleared_at" bigint, "cleared_event_ts" bigint, "cleared_value" double precision, "acknowledged_at" bigint, "acknowledged_by" character varying(64), "note" character varying(1000), CONSTRAINT "pk_alarms" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_alarms_active" ON "alarms" ("site_id", "active_key")`);
    await q.query(`CREATE INDEX "ix_alarms_site" ON "alarms" ("site_id", "id")`);
    await q.query(`CREATE INDEX "ix_alarms_state" ON "alarms" ("state", "id")`);
    await q.query(
      `ALTER TABLE "alarm_rules" ADD CONSTRAINT "fk_alarm_rules_site" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "alarms" ADD CONSTRAINT "fk_alarms_rule" FOREIGN KEY ("rule_id") REFERENCES "alarm_rules"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "alarms"');
    await q.query('DROP TABLE "alarm_rules"');
  }
}
