import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCoreSchema1764400000000 implements MigrationInterface {
  name = 'CreateCoreSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "sites" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "code" varchar(32) NOT NULL, "name" varchar(200) NOT NULL, "operator" varchar(200), "region" varchar(100), "hub" varchar(100), "latitude" double precision, "longitude" double precision, "timezone" varchar(64) NOT NULL DEFAULT ('Asia/Shanghai'), "it_capacity_kw" double precision, "racks" integer, "pue_category" integer NOT NULL DEFAULT (1), "grid_emission_factor" double precision, "green_certified_year" integer, "commissioned_at" bigint, "chain_seq" bigint NOT NULL DEFAULT (0), "chain_head" varchar(64) NOT NULL DEFAULT (''), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_sites_code" ON "sites" ("code")`);
    await q.query(
      `CREATE TABLE "series" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "site_id" integer NOT NULL, "metric" varchar(64) NOT NULL, "labels" varchar(1024) NOT NULL DEFAULT (''), "kind" varchar(16) NOT NULL, "created_at" bigint NOT NULL, CONSTRAINT "fk_series_site" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_series_site_metric_labels" ON "series" ("site_id", "metric", "labels")`,
    );
    await q.query(
      `CREATE TABLE "samples" ("ts" bigint NOT NULL, "series_id" integer NOT NULL, "value" double precision NOT NULL, "ingested_at" bigint NOT NULL, "receipt_id" bigint NOT NULL, PRIMARY KEY ("ts", "series_id")) WITHOUT ROWID`,
    );
    for (const step of ['1m', '1h', '1d']) {
      await q.query(
        `CREATE TABLE "rollup_${step}" ("count" integer NOT NULL, "sum" double precision NOT NULL, "min" double precision NOT NULL, "max" double precision NOT NULL, "first" double precision NOT NULL, "first_ts" bigint NOT NULL, "last" double precision NOT NULL, "last_ts" bigint NOT NULL, "increase" double precision NOT NULL, "resets" integer NOT NULL, "series_id" integer NOT NULL, "bucket" bigint NOT NULL, PRIMARY KEY ("series_id", "bucket")) WITHOUT ROWID`,
      );
    }
    await q.query(
      `CREATE TABLE "receipts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "site_id" integer NOT NULL, "seq" bigint NOT NULL, "token_id" varchar(36), "accepted" integer NOT NULL, "rejected" integer NOT NULL, "content_hash" varchar(64) NOT NULL, "prev_hash" varchar(64) NOT NULL, "hash" varchar(64) NOT NULL, "min_ts" bigint, "max_ts" bigint, "idempotency_key" varchar(200), "response" text NOT NULL, "rolled_up" boolean NOT NULL DEFAULT (0), "received_at" bigint NOT NULL)`,
    );
    await q.query(`CREATE INDEX "ix_receipts_pending" ON "receipts" ("rolled_up", "id")`);
    await q.query(`CREATE UNIQUE INDEX "uq_receipts_site_idem" ON "receipts" ("site_id", "idempotency_key")`);
    await q.query(`CREATE UNIQUE INDEX "uq_receipts_site_seq" ON "receipts" ("site_id", "seq")`);
    await q.query(
      `CREATE TABLE "users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "username" varchar(64) NOT NULL, "password_hash" varchar(255) NOT NULL, "role" varchar(16) NOT NULL, "disabled" boolean NOT NULL DEFAULT (0), "created_at" bigint NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_users_username" ON "users" ("username")`);
    await q.query(
      `CREATE TABLE "ingest_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "site_id" integer NOT NULL, "name" varchar(100) NOT NULL, "token_hash" varchar(64) NOT NULL, "prefix" varchar(16) NOT NULL, "created_by" varchar(64), "created_at" bigint NOT NULL, "last_used_at" bigint, "revoked_at" bigint, CONSTRAINT "fk_ingest_tokens_site" FOREIGN KEY ("site_id") REFERENCES "sites" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await q.query(`CREATE INDEX "ix_ingest_tokens_site" ON "ingest_tokens" ("site_id")`);
    await q.query(`CREATE UNIQUE INDEX "uq_ingest_tokens_hash" ON "ingest_tokens" ("token_hash")`);
    await q.query(
      `CREATE TABLE "audit_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "at" bigint NOT NULL, "actor" varchar(100) NOT NULL, "actor_type" varchar(16) NOT NULL, "action" varchar(64) NOT NULL, "target" varchar(200), "ip" varchar(64), "details" text)`,
    );
    await q.query(`CREATE INDEX "ix_audit_log_at" ON "audit_log" ("at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    const tables = ['audit_log', 'ingest_tokens', 'users', 'receipts', 'rollup_1d', 'rollup_1h', 'rollup_1m'];
    for (const t of [...tables, 'samples', 'series', 'sites']) await q.query(`DROP TABLE "${t}"`);
  }
}
