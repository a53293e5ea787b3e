import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pair change feed: every process keeps each item's strongest co-occurrence pairs in memory
 * (personalisation/neighbour-table.ts) and follows this table to stay exact. A writer that
 * changes an item's pairs (as item_a) or its user count appends the item's id in the same
 * transaction; a row without an item id means "read every item again" (a rebuild). `seq` orders
 * the rows; a process reads what lies above the highest one it has seen, and watches the gaps
 * below it (a transaction that took a number may commit after a later one).
 */
export class PairFeed1764700000000 implements MigrationInterface {
  name = 'PairFeed1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE item_pair_changes (
        seq     bigserial PRIMARY KEY,
        item_id text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE item_pair_changes`);
  }
}
