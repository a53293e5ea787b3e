import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16: the NOT_INTERESTED kind of interaction, and impressions. Impressions are the
 * highest-volume event a shop sends, so they are not logged one row per event: one row per
 * (user, item) holds how often the item was shown since the user last engaged with it.
 */
export class Feedback1764700000000 implements MigrationInterface {
  name = 'Feedback1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE interactions DROP CONSTRAINT interactions_kind_check`);
    await q.query(
      `ALTER TABLE interactions ADD CONSTRAINT interactions_kind_check
         CHECK (kind IN ('VIEW', 'SEARCH', 'ADD_TO_CART', 'PURCHASE', 'NOT_INTERESTED'))`,
    );
    await q.query(`
      CREATE TABLE impressions (
        user_id       text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        item_id       text NOT NULL,
        shown         integer NOT NULL CHECK (shown > 0),
        last_shown_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, item_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE impressions`);
    await q.query(`DELETE FROM interactions WHERE kind = 'NOT_INTERESTED'`);
    await q.query(`ALTER TABLE interactions DROP CONSTRAINT interactions_kind_check`);
    await q.query(
      `ALTER TABLE interactions ADD CONSTRAINT interactions_kind_check CHECK (kind IN ('VIEW', 'SEARCH', 'ADD_TO_CART', 'PURCHASE'))`,
    );
  }
}
