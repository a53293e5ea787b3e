import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An item deleted from the catalogue takes its pairs with it (ON DELETE CASCADE), which used to
 * leave no row in the pair change feed: every process kept lists naming the item, and missing
 * the pair that should take its place, until those lists next changed. Now the deletion appends
 * the item and every item that had it as a neighbour to the feed, in the deleting transaction,
 * before the cascade removes the pairs. (A trigger on items, not on item_pairs: the rebuild
 * replaces item_pairs wholesale, and a trigger there would not survive it.)
 */
export class PairFeedDeletions1764730000000 implements MigrationInterface {
  name = 'PairFeedDeletions1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION tailor_pair_changes_of_deleted_item() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
      BEGIN
        INSERT INTO item_pair_changes (item_id)
          SELECT OLD.id UNION SELECT p.item_a FROM item_pairs p WHERE p.item_b = OLD.id;
        RETURN OLD;
      END $$`);
    await q.query(`
      CREATE TRIGGER items_deleted_pairs BEFORE DELETE ON items
        FOR EACH ROW EXECUTE FUNCTION tailor_pair_changes_of_deleted_item()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER items_deleted_pairs ON items`);
    await q.query(`DROP FUNCTION tailor_pair_changes_of_deleted_item()`);
  }
}
