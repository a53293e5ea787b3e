/**
 * Negative feedback and impressions (issue 16): the writes. Reads go with the profile (users.ts);
 * an engagement resets impressions inside the statement that logs it (interactions.ts).
 */
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Counts one showing of each item for a user, in one statement: a row per (user, item) holds the
 * showings since the user last engaged with it; an unknown user is created in the same statement
 * (the foreign key is checked at its end). Returns how many rows were written.
 */
export async function addImpressions(
  db: DataSource | EntityManager,
  userId: string,
  itemIds: readonly string[],
  at: Date,
): Promise<number> {
  if (itemIds.length === 0) return 0;
  const rows: unknown[] = await db.query(
    `WITH new_user AS (INSERT INTO users (id) VALUES ($1) ON CONFLICT (id) DO NOTHING)
     INSERT INTO impressions (user_id, item_id, shown, last_shown_at)
     SELECT $1, i, 1, $3 FROM unnest($2::text[]) AS i
     ON CONFLICT (user_id, item_id) DO UPDATE SET shown = impressions.shown + 1, last_shown_at = excluded.last_shown_at
     RETURNING 1`,
    [userId, itemIds, at],
  );
  return rows.length;
}

/** Withdraws the user's NOT_INTERESTED of an item; returns how many events were removed. */
export async function deleteRejections(db: EntityManager, userId: string, itemId: string): Promise<number> {
  const deleted: [unknown[], number] = await db.query(
    `DELETE FROM interactions WHERE user_id = $1 AND item_id = $2 AND kind = 'NOT_INTERESTED' RETURNING 1`,
    [userId, itemId],
  );
  return deleted[0].length;
}
