import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pair change feed is pruned (it grew by a row per changed item per event, for ever): rows
 * carry when they were written, and `item_pair_feed_floor` keeps the highest number pruned. A
 * process whose watermark lies below the floor may have missed pruned rows, so it reads every
 * list again (services/co-occurrence.ts); one that kept up loses nothing.
 */
export class PairFeedPrune1764720000000 implements MigrationInterface {
  name = 'PairFeedPrune1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE item_pair_changes ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`);
    await q.query(`CREATE INDEX item_pair_changes_created_idx ON item_pair_changes (created_at)`);
    await q.query(`
      CREATE TABLE item_pair_feed_floor (
        id             boolean PRIMARY KEY DEFAULT true CHECK (id),
        pruned_through bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`INSERT INTO item_pair_feed_floor DEFAULT VALUES`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE item_pair_feed_floor`);
    await q.query(`ALTER TABLE item_pair_changes DROP COLUMN created_at`);
  }
}
