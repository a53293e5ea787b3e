/** The append-only interaction log. */
import { DataSource, EntityManager } from 'typeorm';
import { ENGAGEMENT_KINDS, type Interaction, type InteractionKind, type ValidEvent } from '../../domain/interaction';
import type { InteractionEntity } from '../entities';

export type NewInteraction = ValidEvent & Pick<Interaction, 'idempotencyKey' | 'counted'>;

const COLUMNS = `id::text AS id, user_id AS "userId", item_id AS "itemId", kind, query, occurred_at AS "occurredAt",
  recorded_at AS "recordedAt", idempotency_key AS "idempotencyKey", counted`;

export async function findByIdempotencyKey(
  db: EntityManager,
  userId: string,
  key: string,
): Promise<InteractionEntity | null> {
  const rows: InteractionEntity[] = await db.query(
    `SELECT ${COLUMNS} FROM interactions WHERE user_id = $1 AND idempotency_key = $2`,
    [userId, key],
  );
  return rows[0] ?? null;
}

/**
 * Inserts unless the user already used the idempotency key or the item is not in the catalogue;
 * null means one of the two (the caller tells which). The item row is locked FOR KEY SHARE, as
 * a foreign key check would, so it cannot be deleted between this check and the commit. A
 * concurrent insert of the same key waits on the unique index, then sees the committed row.
 *
 * `counted` is what the caller would count; the row is counted only if, in addition, the same
 * user did not do the same thing (item, kind, query) within `dedupeWindowMs` of it: the check
 * and the insert are one statement, under the caller's lock on the user.
 */
export async function insertInteraction(
  db: EntityManager,
  row: Omit<NewInteraction, 'counted'> & { counted: boolean },
  dedupeWindowMs: number,
  /** An engagement: the item's impressions for this user start again from zero (issue 16), in the same statement. */
  resetsImpressions = false,
): Promise<InteractionEntity | null> {
  const rows: InteractionEntity[] = await db.query(
    `WITH item AS (SELECT 1 FROM items WHERE id = $2::text FOR KEY SHARE),
          reset AS (DELETE FROM impressions WHERE $9::boolean AND user_id = $1 AND item_id = $2::text)
     INSERT INTO interactions (user_id, item_id, kind, query, occurred_at, idempotency_key, counted)
     SELECT $1, $2, $3, $4, $5, $6, $7::boolean AND NOT ($8::float8 > 0 AND EXISTS (
       SELECT 1 FROM interactions
        WHERE user_id = $1 AND item_id IS NOT DISTINCT FROM $2::text AND kind = $3 AND query IS NOT DISTINCT FROM $4::text
          AND occurred_at > $5::timestamptz - make_interval(secs => $8) AND occurred_at < $5::timestamptz + make_interval(secs => $8)))
      WHERE $2::text IS NULL OR EXISTS (SELECT 1 FROM item)
     ON CONFLICT (user_id, idempotency_key) DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      row.userId,
      row.itemId,
      row.kind,
      row.query,
      row.occurredAt,
      row.idempotencyKey,
      row.counted,
      dedupeWindowMs / 1000,
      resetsImpressions,
    ],
  );
  return rows[0] ?? null;
}

/**
 * Bulk insert for the importer: one statement per batch; rows whose key is already there are
 * skipped, so a re-run imports nothing twice. Returns the ids of the users that got new rows.
 */
export async function insertInteractionsBulk(
  db: DataSource | EntityManager,
  rows: readonly NewInteraction[],
): Promise<{ inserted: number; users: string[] }> {
  if (rows.length === 0) return { inserted: 0, users: [] };
  const result: { user_id: string }[] = await db.query(
    // The items are locked as a foreign key check would lock them, and a row whose item has
    // left the catalogue since the caller looked is not inserted (the log has no foreign key).
    // An imported engagement resets the item's impressions for its user, as one recorded through
    // the API does, when every showing came before it (issue 16).
    `WITH live AS (SELECT id FROM items WHERE id = ANY($2::text[]) FOR KEY SHARE),
          reset AS (DELETE FROM impressions m
                     USING unnest($1::text[], $2::text[], $3::text[], $5::timestamptz[]) AS e(u, i, k, t)
                     WHERE e.k = ANY($8::text[]) AND m.user_id = e.u AND m.item_id = e.i AND m.last_shown_at <= e.t)
     INSERT INTO interactions (user_id, item_id, kind, query, occurred_at, idempotency_key, counted)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::bool[]) AS r(u, i, k, q, t, key, c)
      WHERE r.i IS NULL OR r.i IN (SELECT id FROM live)
     ON CONFLICT (user_id, idempotency_key) DO NOTHING
     RETURNING user_id`,
    [
      rows.map((r) => r.userId),
      rows.map((r) => r.itemId),
      rows.map((r) => r.kind),
      rows.map((r) => r.query),
      rows.map((r) => r.occurredAt),
      rows.map((r) => r.idempotencyKey),
      rows.map((r) => r.counted),
      ENGAGEMENT_KINDS,
    ],
  );
  return { inserted: result.length, users: [...new Set(result.map((r) => r.user_id))] };
}

export type LoggedEvent = Pick<Interaction, 'id' | 'userId' | 'itemId' | 'kind' | 'query' | 'occurredAt' | 'counted'>;

/** Every event of the given users in time order (profile rebuilds). */
export async function findEventsOfUsers(
  db: DataSource | EntityManager,
  userIds: readonly string[],
): Promise<LoggedEvent[]> {
  return db.query(
    `SELECT id::text AS id, user_id AS "userId", item_id AS "itemId", kind, query, occurred_at AS "occurredAt", counted
       FROM interactions WHERE user_id = ANY($1::text[]) ORDER BY user_id, occurred_at, id`,
    [userIds],
  );
}

export async function setCounted(
  db: DataSource | EntityManager,
  ids: readonly string[],
  counted: boolean,
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`UPDATE interactions SET counted = $2 WHERE id = ANY($1::bigint[])`, [ids, counted]);
}

/**
 * Most popular items of the recent period: counted events weighted by kind, in the window that
 * ends at the newest event (so a historical dataset still has a "recent period"). Items no
 * longer in the catalogue are left out (the log keeps their ids).
 */
export async function findPopularItems(
  db: DataSource,
  windowMs: number,
  limit: number,
  kindWeights: Readonly<Record<InteractionKind, number>>,
): Promise<{ itemId: string; score: number }[]> {
  const rows: { item_id: string; score: number }[] = await db.query(
    `WITH newest AS (SELECT max(occurred_at) AS t FROM interactions)
     SELECT i.item_id, sum(CASE i.kind WHEN 'VIEW' THEN $3::float8 WHEN 'ADD_TO_CART' THEN $4::float8
                                       WHEN 'PURCHASE' THEN $5::float8 ELSE 0 END)::float8 AS score
       FROM interactions i JOIN items it ON it.id = i.item_id, newest
      WHERE i.counted AND i.occurred_at > newest.t - make_interval(secs => $1)
      GROUP BY i.item_id
      ORDER BY score DESC, i.item_id
      LIMIT $2`,
    [windowMs / 1000, limit, kindWeights.VIEW, kindWeights.ADD_TO_CART, kindWeights.PURCHASE],
  );
  return rows.map((r) => ({ itemId: r.item_id, score: r.score }));
}
