import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations own sites; users belong to one or are hub staff (docs/architecture.md, "Organisations and scope").
 * An existing instance upgrades with every site in the default organisation (id 1) and every user as hub staff, so
 * nobody loses sight of anything until an admin decides. No foreign keys: SQLite cannot add a REFERENCES column with
 * a non-null default, and one schema for both databases keeps the entity honest; OrganizationsService refuses to
 * delete an organisation that still owns sites or users.
 */
export class Organizations1796500000000 implements MigrationInterface {
  name = 'Organizations1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "organizations" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "code" varchar(32) NOT NULL, "name" varchar(200) NOT NULL, "created_at" bigint NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_organizations_code" ON "organizations" ("code")`);
    await q.query(
      `INSERT INTO "organizations" ("id", "code", "name", "created_at") VALUES (1, 'DEFAULT', 'Default organisation', ?)`,
      [Date.now()],
    );
    await q.query(`ALTER TABLE "sites" ADD COLUMN "organization_id" integer NOT NULL DEFAULT 1`);
    await q.query(`CREATE INDEX "ix_sites_organization" ON "sites" ("organization_id")`);
    await q.query(`ALTER TABLE "users" ADD COLUMN "organization_id" integer`);
    await q.query(`ALTER TABLE "users" ADD COLUMN "regions" text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "regions"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "organization_id"`);
    await q.query(`DROP INDEX "ix_sites_organization"`);
    await q.query(`ALTER TABLE "sites" DROP COLUMN "organization_id"`);
    await q.query(`DROP INDEX "uq_organizations_code"`);
    await q.query(`DROP TABLE "organizations"`);
  }
}
