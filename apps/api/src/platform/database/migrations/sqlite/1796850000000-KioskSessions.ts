import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Kiosk (wall display) sessions (docs/contract.md, "Kiosk sessions"): one row per issued read-only token. */
export class KioskSessions1796850000000 implements MigrationInterface {
  name = 'KioskSessions1796850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "kiosk_sessions" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(64) NOT NULL, "user_id" integer NOT NULL, "created_by" varchar(64) NOT NULL, "organization_id" integer, "created_at" bigint NOT NULL, "expires_at" bigint NOT NULL, "revoked_at" bigint, "last_seen_at" bigint)`,
    );
    await q.query(`CREATE INDEX "ix_kiosk_sessions_user" ON "kiosk_sessions" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "ix_kiosk_sessions_user"');
    await q.query('DROP TABLE "kiosk_sessions"');
  }
}
