import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The interaction log keeps the item id it was written with after the item leaves the
 * catalogue. The foreign key said ON DELETE SET NULL, which the CHECK (item_id IS NOT NULL OR
 * kind = 'SEARCH') then refused, so an item anyone had viewed, carted or bought could not be
 * deleted at all; and nulling it would have rewritten history (and shifted every later item's
 * place in the co-occurrence window, so forgetUser could no longer subtract exactly).
 *
 * Without the key, what the foreign key did is done where it matters: recordInteraction locks
 * the item row (FOR KEY SHARE) in its insert, so an event is never recorded for an item being
 * deleted; the importer checks every batch's items; co-occurrence and popularity keep only
 * items that exist. Derived data (item_pairs, item_pair_users) still cascades on delete.
 */
export class LogKeepsItemIds1764500000000 implements MigrationInterface {
  name = 'LogKeepsItemIds1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE interactions DROP CONSTRAINT interactions_item_id_fkey`);
  }

  async down(q: QueryRunner): Promise<void> {
    // NOT VALID: events of items deleted meanwhile stay as they are; new rows are checked.
    await q.query(
      `ALTER TABLE interactions ADD CONSTRAINT interactions_item_id_fkey FOREIGN KEY (item_id) REFERENCES items (id) ON DELETE SET NULL NOT VALID`,
    );
  }
}
