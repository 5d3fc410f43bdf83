import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit entries name the organisation of the user who acted (NULL: hub staff, a token, the system), so an
 * organisation's admin reads its own members' entries (docs/architecture.md, "Organisations and scope"). Entries
 * from before the upgrade stay with hub staff, whose actions they were as far as anyone knew.
 */
export class AuditOrganization1796600000000 implements MigrationInterface {
  name = 'AuditOrganization1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "audit_log" ADD COLUMN "organization_id" integer`);
    await q.query(`CREATE INDEX "ix_audit_log_organization" ON "audit_log" ("organization_id", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_audit_log_organization"`);
    await q.query(`ALTER TABLE "audit_log" DROP COLUMN "organization_id"`);
  }
}
