import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCoreSchema1764400000000 implements MigrationInterface {
  name = 'CreateCoreSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "sites" ("id" SERIAL NOT NULL, "code" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "operator" character varying(200), "region" character varying(100), "hub" character varying(100), "latitude" double precision, "longitude" double precision, "timezone" character varying(64) NOT NULL DEFAULT 'Asia/Shanghai', "it_capacity_kw" double precision, "racks" integer, "pue_category" integer NOT NULL DEFAULT '1', "grid_emission_factor" double precision, "green_certified_year" integer, "commissioned_at" bigint, "chain_seq" bigint NOT NULL DEFAULT '0', "chain_head" character varying(64) NOT NULL DEFAULT '', "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, CONSTRAINT "PK_4f5eccb1dfde10c9170502595a7" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_sites_code" ON "sites" ("code")`);
    await q.query(
      `CREATE TABLE "series" ("id" SERIAL NOT NULL, "site_id" integer NOT NULL, "metric" character varying(64) NOT NULL, "labels" character varying(1024) NOT NULL DEFAULT '', "kind" character varying(16) NOT NULL, "created_at" bigint NOT NULL, CONSTRAINT "PK_e725676647382eb54540d7128ba" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "uq_series_site_metric_labels" ON "series" ("site_id", "metric", "labels")`,
    );
    await q.query(
      `CREATE TABLE "samples" ("ts" bigint NOT NULL, "series_id" integer NOT NULL, "value" double precision NOT NULL, "ingested_at" bigint NOT NULL, "receipt_id" bigint NOT NULL, CONSTRAINT "pk_samples" PRIMARY KEY ("ts", "series_id"))`,
    );
    for (const step of ['1m', '1h', '1d']) {
      await q.query(
        `CREATE TABLE "rollup_${step}" ("count" integer NOT NULL, "sum" double precision NOT NULL, "min" double precision NOT NULL, "max" double precision NOT NULL, "first" double precision NOT NULL, "first_ts" bigint NOT NULL, "last" double precision NOT NULL, "last_ts" bigint NOT NULL, "increase" double precision NOT NULL, "resets" integer NOT NULL, "series_id" integer NOT NULL, "bucket" bigint NOT NULL, CONSTRAINT "pk_rollup_${step}" PRIMARY KEY ("series_id", "bucket"))`,
      );
    }
    await q.query(
      `CREATE TABLE "receipts" ("id" SERIAL NOT NULL, "site_id" integer NOT NULL, "seq" bigint NOT NULL, "token_id" character varying(36), "accepted" integer NOT NULL, "rejected" integer NOT NULL, "content_hash" character varying(64) NOT NULL, "prev_hash" character varying(64) NOT NULL, "hash" character varying(64) NOT NULL, "min_ts" bigint, "max_ts" bigint, "idempotency_key" character varying(200), "response" text NOT NULL, "rolled_up" boolean NOT NULL DEFAULT false, "received_at" bigint NOT NULL, CONSTRAINT "PK_5e8182d7c29e023da6e1ff33bfe" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_receipts_pending" ON "receipts" ("rolled_up", "id")`);
    await q.query(`CREATE UNIQUE INDEX "uq_receipts_site_idem" ON "receipts" ("site_id", "idempotency_key")`);
    await q.query(`CREATE UNIQUE INDEX "uq_receipts_site_seq" ON "receipts" ("site_id", "seq")`);
    await q.query(
      `CREATE TABLE "users" ("id" SERIAL NOT NULL, "username" character varying(64) NOT NULL, "password_hash" character varying(255) NOT NULL, "role" character varying(16) NOT NULL, "disabled" boolean NOT NULL DEFAULT false, "created_at" bigint NOT NULL, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "uq_users_username" ON "users" ("username")`);
    await q.query(
      `CREATE TABLE "ingest_tokens" ("id" character varying(36) NOT NULL, "site_id" integer NOT NULL, "name" character varying(100) NOT NULL, "token_hash" character varying(64) NOT NULL, "prefix" character varying(16) NOT NULL, "created_by" character varying(64), "created_at" bigint NOT NULL, "last_used_at" bigint, "revoked_at" bigint, CONSTRAINT "PK_ea019acddf83d94c399acaf244f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_ingest_tokens_site" ON "ingest_tokens" ("site_id")`);
    await q.query(`CREATE UNIQUE INDEX "uq_ingest_tokens_hash" ON "ingest_tokens" ("token_hash")`);
    await q.query(
      `CREATE TABLE "audit_log" ("id" SERIAL NOT NULL, "at" bigint NOT NULL, "actor" character varying(100) NOT NULL, "actor_type" character varying(16) NOT NULL, "action" character varying(64) NOT NULL, "target" character varying(200), "ip" character varying(64), "details" text, CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "ix_audit_log_at" ON "audit_log" ("at")`);
    await q.query(
      `ALTER TABLE "ingest_tokens" ADD CONSTRAINT "fk_ingest_tokens_site" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "series" ADD CONSTRAINT "fk_series_site" FOREIGN KEY ("site_id") REFERENCES "sites"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'audit_log',
      'ingest_tokens',
      'users',
      'receipts',
      'rollup_1d',
      'rollup_1h',
      'rollup_1m',
      'samples',
      'series',
      'sites',
    ]) {
      await q.query(`DROP TABLE "${t}"`);
    }
  }
}
