import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * alarms.rule_id loses its foreign key (alarms has none now, like receipts): on PostgreSQL a foreign-key check
 * is a per-row trigger on the bulk alarm writes, and a raise racing a rule deletion must not fail a whole batch
 * of transitions. AlarmRulesService sets rule_id to NULL when it deletes a rule.
 */
export class DropAlarmsRuleForeignKey1795944976000 implements MigrationInterface {
  name = 'DropAlarmsRuleForeignKey1795944976000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "alarms" DROP CONSTRAINT "fk_alarms_rule"');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "alarms" ADD CONSTRAINT "fk_alarms_rule" FOREIGN KEY ("rule_id") REFERENCES "alarm_rules"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }
}
