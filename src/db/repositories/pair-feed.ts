/**
 * Reads of the pair change feed and of items' strongest pairs, for the neighbour table every
 * process keeps in memory (services/co-occurrence.ts). The lists come in the order the table
 * keeps: by raw weight, strongest first, ties by id as JavaScript orders strings (COLLATE "C").
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { NeighbourList } from '../../personalisation/neighbour-table';

type Db = DataSource | EntityManager;

/** An item's user count and strongest pairs, for the items in `src` (a FROM item with item_id). */
const LISTS = (src: string) => `
  SELECT src.item_id AS "itemId", coalesce(u.users, 0) AS users,
         coalesce(n.ids, '{}') AS neighbours, coalesce(n.ws, '{}') AS weights
    FROM ${src}
    LEFT JOIN item_pair_users u ON u.item_id = src.item_id
    LEFT JOIN LATERAL (
      SELECT array_agg(t.item_b ORDER BY t.weight DESC, t.item_b COLLATE "C") AS ids,
             array_agg(t.weight ORDER BY t.weight DESC, t.item_b COLLATE "C") AS ws
        FROM (SELECT p.item_b, p.weight FROM item_pairs p WHERE p.item_a = src.item_id
               ORDER BY p.weight DESC, p.item_b COLLATE "C" LIMIT $1) t) n ON true`;

/** What a process needs to follow the feed from a snapshot: the highest number, and which numbers below it exist. */
export interface FeedHead {
  head: number;
  /** The feed's numbers in (head - lookback, head]. */
  recent: number[];
  /** The highest number pruned: every row at or below it that still exists is in the snapshot. */
  floor: number;
}

const FLOOR = `(SELECT pruned_through FROM item_pair_feed_floor)`;

/**
 * Every item's strongest pairs and the feed's head, from one snapshot (REPEATABLE READ), so
 * following the feed from that head misses nothing and repeats nothing the lists already hold.
 */
export async function loadAllNeighbourLists(
  db: DataSource,
  neighbours: number,
  lookback: number,
): Promise<{ lists: NeighbourList[]; feed: FeedHead }> {
  return db.transaction('REPEATABLE READ', async (tx) => {
    const [{ head, floor }]: { head: string; floor: string }[] = await tx.query(
      `SELECT coalesce(max(seq), 0)::text AS head, ${FLOOR}::text AS floor FROM item_pair_changes`,
    );
    const recent: { seq: string }[] = await tx.query(`SELECT seq::text FROM item_pair_changes WHERE seq > $1`, [
      Number(head) - lookback,
    ]);
    const lists: NeighbourList[] = await tx.query(LISTS(`item_pair_users src`), [neighbours]);
    return { lists, feed: { head: Number(head), recent: recent.map((r) => Number(r.seq)), floor: Number(floor) } };
  });
}

/**
 * The feed's rows above `low` that are not among `seen`, with the current lists of the items they
 * name, and the pruning floor, in one statement.
 */
export async function readPairChanges(
  db: Db,
  low: number,
  seen: readonly number[],
  neighbours: number,
): Promise<{ changes: { seq: number; itemId: string | null }[]; lists: NeighbourList[]; floor: number }> {
  const [row]: { changes: [number, string | null][] | null; lists: NeighbourList[] | null; floor: string }[] =
    await db.query(
      `WITH ch AS (SELECT seq, item_id FROM item_pair_changes WHERE seq > $2 AND seq <> ALL($3::bigint[])),
            named AS (SELECT DISTINCT item_id FROM ch WHERE item_id IS NOT NULL)
       SELECT (SELECT json_agg(json_build_array(seq, item_id)) FROM ch) AS changes,
              (SELECT json_agg(l) FROM (${LISTS(`named src`)}) l) AS lists,
              ${FLOOR}::text AS floor`,
      [neighbours, low, seen],
    );
  return {
    changes: (row.changes ?? []).map(([seq, itemId]) => ({ seq: Number(seq), itemId })),
    lists: row.lists ?? [],
    floor: Number(row.floor),
  };
}

/**
 * Deletes the feed rows written more than `retentionMs` ago and raises the floor to the highest
 * number deleted, in one statement; returns how many rows went. Any process may run it.
 */
export async function prunePairChanges(db: Db, retentionMs: number): Promise<number> {
  // A data-modifying WITH runs to completion whether or not the query reads it: the floor is raised.
  const [row]: { pruned: number }[] = await db.query(
    `WITH gone AS (DELETE FROM item_pair_changes WHERE created_at < now() - $1 * interval '1 millisecond' RETURNING seq),
          raised AS (UPDATE item_pair_feed_floor SET pruned_through = greatest(pruned_through, (SELECT max(seq) FROM gone))
                      WHERE EXISTS (SELECT 1 FROM gone))
     SELECT count(*)::int AS pruned FROM gone`,
    [retentionMs],
  );
  return row.pruned;
}

/**
 * SQL for a column: how many feed rows lie above the value of parameter `param`, plus one when
 * rows above it were pruned (the process must then catch up, and will read everything again).
 */
export function feedCountColumn(param: string): string {
  return `((SELECT count(*)::int FROM item_pair_changes WHERE seq > ${param}::bigint)
           + (SELECT (pruned_through > ${param}::bigint)::int FROM item_pair_feed_floor)) AS pair_feed_count`;
}

/** How many feed rows lie above `low`: one cheap index range, for requests that read nothing else. */
export async function countPairChangesAbove(db: Db, low: number): Promise<number> {
  const [row]: { pair_feed_count: number }[] = await db.query(`SELECT ${feedCountColumn('$1')}`, [low]);
  return row.pair_feed_count;
}
