import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Which API instance committed a batch: lets a booting instance repair the rollups of a dead one at once. */
export class AddReceiptInstance1795941000000 implements MigrationInterface {
  name = 'AddReceiptInstance1795941000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "receipts" ADD COLUMN "instance_id" varchar(36)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "receipts" DROP COLUMN "instance_id"`);
  }
}
