import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tombstones for items deleted from the catalogue, so every tailor process can drop them from
 * its in-memory index and row cache. Processes follow catalogue changes by polling updated_at,
 * which a deleted row no longer has; a statement-level trigger records each deleted id with the
 * time, and the same poll reads the tombstones since its previous look. Tombstones older than
 * a week are pruned as new ones are written (a process that has not polled for a week rebuilds
 * its index when it restarts anyway).
 */
export class ItemDeletions1764510000000 implements MigrationInterface {
  name = 'ItemDeletions1764510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE item_deletions (
        id         text PRIMARY KEY,
        deleted_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX item_deletions_time_idx ON item_deletions (deleted_at)`);
    await q.query(`
      CREATE FUNCTION tailor_record_item_deletions() RETURNS trigger LANGUAGE plpgsql
        -- This schema's item_deletions, whatever search path the deleting session has.
        SET search_path FROM CURRENT AS $$
      BEGIN
        DELETE FROM item_deletions WHERE deleted_at < now() - interval '7 days';
        INSERT INTO item_deletions (id, deleted_at) SELECT id, clock_timestamp() FROM gone
          ON CONFLICT (id) DO UPDATE SET deleted_at = EXCLUDED.deleted_at;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER items_deleted AFTER DELETE ON items
        REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION tailor_record_item_deletions()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER items_deleted ON items`);
    await q.query(`DROP FUNCTION tailor_record_item_deletions()`);
    await q.query(`DROP TABLE item_deletions`);
  }
}
