import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The collaborative signal behind Similarity.HYBRID (see src/personalisation/collab.ts):
 * item_pairs holds the co-occurrence weight w(a -> b) of items in users' histories, and
 * item_pair_users how many users have each item, which normalises it. Both are derived from the
 * interaction log: recordInteraction keeps them current, `npm run import` rebuilds them, and
 * forgetUser takes a user's contribution back out. The index serves "the strongest pairs of a":
 * one ordered index range per history item.
 */
export class CoOccurrence1764400000000 implements MigrationInterface {
  name = 'CoOccurrence1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE item_pairs (
        item_a text NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        item_b text NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        weight double precision NOT NULL CHECK (weight > 0),
        PRIMARY KEY (item_a, item_b)
      )`);
    await q.query(`CREATE INDEX item_pairs_strongest_idx ON item_pairs (item_a, weight DESC, item_b COLLATE "C")`);
    // Deleting an item must find the pairs that point at it without a scan.
    await q.query(`CREATE INDEX item_pairs_item_b_idx ON item_pairs (item_b)`);
    await q.query(`
      CREATE TABLE item_pair_users (
        item_id text PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
        users   integer NOT NULL CHECK (users > 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE item_pair_users`);
    await q.query(`DROP TABLE item_pairs`);
  }
}
