/**
 * Item-to-item co-occurrence (the collaborative signal, personalisation/collab.ts says what the
 * numbers mean): item_pairs holds w(a -> b), item_pair_users how many users have each item in
 * their history. Every writer also appends the items whose pairs it changed to item_pair_changes,
 * the feed each process follows to keep its in-memory neighbour table exact
 * (services/co-occurrence.ts), so an interaction recorded on one process counts on all of them at
 * the next request. `findUserCoSignals` and `findItemNeighbours` read pairs per request, as HYBRID
 * did before the table: the tests hold the table to them.
 *
 * A user's history here is their distinct items with a counted interaction other than SEARCH and NOT_INTERESTED, ordered
 * by first appearance (time, then log order) for building pairs, and by latest appearance for
 * voting.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { CollabOptions, Neighbour, PairDelta, pairsForNewItem, pairsOfHistory } from '../../personalisation/collab';
import { replaceTableContents } from '../replace-table';

type Db = DataSource | EntityManager;

// NOT_INTERESTED is no interaction with the item in this sense: it neither pairs nor votes (issue 16).
export const HISTORY = `counted AND item_id IS NOT NULL AND kind NOT IN ('SEARCH', 'NOT_INTERESTED')`;

/** The user's distinct items by first appearance, newest first, leaving out one interaction. */
async function sequenceNewestFirst(db: Db, userId: string, exceptInteractionId: string): Promise<string[]> {
  const rows: { item_id: string }[] = await db.query(
    `SELECT item_id FROM interactions
      WHERE user_id = $1 AND ${HISTORY} AND id <> $2
      GROUP BY item_id
      ORDER BY min(occurred_at) DESC, min(id) DESC`,
    [userId, exceptInteractionId],
  );
  return rows.map((r) => r.item_id);
}

/**
 * Folds one newly recorded (counted) interaction into the co-occurrence, in the caller's
 * transaction: if the item is new to the user's history it pairs with the `window` items before
 * it and counts one more user. Returns how many pair weights changed.
 */
export async function addToCoOccurrence(
  tx: EntityManager,
  userId: string,
  itemId: string,
  interactionId: string,
  options: Pick<CollabOptions, 'window' | 'backwardWeight'>,
): Promise<number> {
  const previous = await sequenceNewestFirst(tx, userId, interactionId);
  if (previous.includes(itemId)) return 0;
  const deltas = sortedByPair(pairsForNewItem(previous, itemId, options));
  // The items whose strongest pairs (as item_a) or user count changed go on the feed every
  // process follows (migration PairFeed). One statement: the pairs, the item's user count, the
  // feed rows. A history can name items that have left the catalogue (the log keeps their ids):
  // their pairs are not kept; the rows found are locked as a foreign key check would lock them,
  // and pair rows in (a, b) order (sortedByPair).
  const changed = [...new Set([itemId, ...deltas.map((d) => d.a)])].sort();
  await tx.query(
    `WITH live AS (SELECT id FROM items WHERE id = ANY($1::text[]) OR id = ANY($2::text[]) FOR KEY SHARE),
     pairs AS (
       INSERT INTO item_pairs (item_a, item_b, weight)
       SELECT a, b, w FROM unnest($1::text[], $2::text[], $3::float8[]) WITH ORDINALITY AS d(a, b, w, n)
        WHERE a IN (SELECT id FROM live) AND b IN (SELECT id FROM live)
        ORDER BY n
       ON CONFLICT (item_a, item_b) DO UPDATE SET weight = item_pairs.weight + EXCLUDED.weight),
     counted AS (
       INSERT INTO item_pair_users (item_id, users) VALUES ($4, 1)
       ON CONFLICT (item_id) DO UPDATE SET users = item_pair_users.users + 1)
     INSERT INTO item_pair_changes (item_id) SELECT unnest($5::text[])`,
    [deltas.map((d) => d.a), deltas.map((d) => d.b), deltas.map((d) => d.weight), itemId, changed],
  );
  return deltas.length;
}

/**
 * Takes a user's whole contribution back out (forgetUser), in the caller's transaction and
 * before their interactions are deleted: what remains is exactly what the other users built.
 */
export async function removeFromCoOccurrence(
  tx: EntityManager,
  userId: string,
  options: Pick<CollabOptions, 'window' | 'backwardWeight'>,
): Promise<void> {
  const rows: { item_id: string }[] = await tx.query(
    `SELECT item_id FROM interactions WHERE user_id = $1 AND ${HISTORY}
      GROUP BY item_id ORDER BY min(occurred_at), min(id)`,
    [userId],
  );
  const sequence = rows.map((r) => r.item_id);
  if (sequence.length === 0) return;
  await subtractPairDeltas(tx, pairsOfHistory(sequence, options));
  await tx.query(`SELECT 1 FROM item_pair_users WHERE item_id = ANY($1) ORDER BY item_id FOR UPDATE`, [sequence]);
  await tx.query(`DELETE FROM item_pair_users WHERE item_id = ANY($1) AND users <= 1`, [sequence]);
  await tx.query(`UPDATE item_pair_users SET users = users - 1 WHERE item_id = ANY($1)`, [sequence]);
  await appendPairChanges(tx, [...sequence, ...pairsOfHistory(sequence, options).map((d) => d.a)]);
}

/** Puts items on the pair change feed (migration PairFeed): their pairs or user counts changed. */
export async function appendPairChanges(tx: EntityManager, itemIds: readonly string[]): Promise<void> {
  await tx.query(`INSERT INTO item_pair_changes (item_id) SELECT unnest($1::text[])`, [[...new Set(itemIds)].sort()]);
}

/**
 * Subtracts each weight from its pair (forgetUser). Rows are locked in (a, b) order so that two transactions
 * touching the same pairs take their locks in the same order and cannot deadlock; a pair whose
 * weight falls to zero is deleted (weights are sums of 1 and the backward weight, so for the
 * default 0.5 the subtraction is exact).
 */
async function subtractPairDeltas(tx: EntityManager, deltas: readonly PairDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const sorted = sortedByPair(deltas);
  const params = [sorted.map((d) => d.a), sorted.map((d) => d.b), sorted.map((d) => d.weight)];
  await tx.query(
    `SELECT 1 FROM item_pairs WHERE (item_a, item_b) IN (SELECT a, b FROM unnest($1::text[], $2::text[]) AS d(a, b))
      ORDER BY item_a, item_b FOR UPDATE`,
    params.slice(0, 2),
  );
  await tx.query(
    `DELETE FROM item_pairs p USING unnest($1::text[], $2::text[], $3::float8[]) AS d(a, b, w)
      WHERE p.item_a = d.a AND p.item_b = d.b AND p.weight - d.w <= 1e-9`,
    params,
  );
  await tx.query(
    `UPDATE item_pairs p SET weight = p.weight - d.w FROM unnest($1::text[], $2::text[], $3::float8[]) AS d(a, b, w)
      WHERE p.item_a = d.a AND p.item_b = d.b`,
    params,
  );
}

/** In (a, b) order: the order every writer locks pair rows in, so two never deadlock. */
function sortedByPair(deltas: readonly PairDelta[]): PairDelta[] {
  return [...deltas].sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : x.b > y.b ? 1 : 0));
}

/**
 * Recomputes both tables from the whole interaction log in one transaction (after a bulk import,
 * or a change of window): the same pairs as folding every history in, event by event, in time order.
 */
export async function rebuildCoOccurrence(
  db: DataSource,
  options: Pick<CollabOptions, 'window' | 'backwardWeight'>,
): Promise<{ pairs: number; items: number }> {
  return db.transaction(async (tx) => {
    // The catalogue first (the order an item delete takes them in, cascading into item_pairs):
    // no item can leave while the new tables are built, or their foreign keys would not hold.
    // Reads and recordInteraction's FOR KEY SHARE go on; catalogue writes wait.
    await tx.query(`LOCK TABLE items IN SHARE MODE`);
    // Live writers wait (and then fold their event into the new tables); readers go on reading
    // the old ones until the swap at commit.
    await tx.query(`LOCK TABLE item_pairs, item_pair_users IN EXCLUSIVE MODE`);
    // The pair aggregation sorts a few million rows: in memory rather than in temporary files.
    await tx.query(`SET LOCAL work_mem = '256MB'`);
    await tx.query(
      `CREATE TEMP TABLE tailor_sequence ON COMMIT DROP AS
       SELECT user_id, item_id, row_number() OVER (PARTITION BY user_id ORDER BY first_at, first_id) AS pos
         FROM (SELECT user_id, item_id, min(occurred_at) AS first_at, min(id) AS first_id
                 FROM interactions WHERE ${HISTORY} GROUP BY user_id, item_id) f`,
    );
    await tx.query(`CREATE INDEX ON tailor_sequence (user_id, pos)`);
    let pairs = 0;
    let items = 0;
    // Filled bare and indexed afterwards (db/replace-table.ts): maintaining three indexes and two
    // foreign keys row by row made this 5x slower on the Beauty dataset.
    await replaceTableContents(tx, 'item_pairs', async (target) => {
      const [{ n }]: { n: string }[] = await tx.query(
        `WITH near AS (
           SELECT x.item_id AS earlier, y.item_id AS later
             FROM tailor_sequence x JOIN tailor_sequence y ON y.user_id = x.user_id AND y.pos > x.pos AND y.pos <= x.pos + $1)
         , inserted AS (
           INSERT INTO ${target} (item_a, item_b, weight)
           SELECT a, b, sum(w) FROM (
             SELECT earlier AS a, later AS b, 1::float8 AS w FROM near
             UNION ALL
             SELECT later, earlier, $2::float8 FROM near WHERE $2::float8 > 0) c
            -- Places in a history count items that have left the catalogue (as the live path
            -- does), but their pairs are not kept.
            WHERE a IN (SELECT id FROM items) AND b IN (SELECT id FROM items)
           GROUP BY a, b
           RETURNING 1)
         SELECT count(*)::text AS n FROM inserted`,
        [options.window, options.backwardWeight],
      );
      pairs = Number(n);
    });
    await replaceTableContents(tx, 'item_pair_users', async (target) => {
      const [{ n }]: { n: string }[] = await tx.query(
        `WITH inserted AS (
           INSERT INTO ${target} (item_id, users)
           SELECT item_id, count(*) FROM tailor_sequence WHERE item_id IN (SELECT id FROM items) GROUP BY item_id RETURNING 1)
         SELECT count(*)::text AS n FROM inserted`,
      );
      items = Number(n);
    });
    // Every process reads every item's pairs again.
    await tx.query(`INSERT INTO item_pair_changes (item_id) VALUES (NULL)`);
    return { pairs, items };
  });
}

/** A neighbour as read from the tables: normalised by both items' user counts. */
const NEIGHBOURS = `
  SELECT p.item_b AS "itemId", p.weight, p.weight / sqrt(sa.users::float8 * sb.users) AS sim
    FROM item_pairs p
    JOIN item_pair_users sa ON sa.item_id = p.item_a
    JOIN item_pair_users sb ON sb.item_id = p.item_b
   WHERE p.item_a = src.item_id
   ORDER BY p.weight DESC, p.item_b COLLATE "C"
   LIMIT $2`;

export interface UserCoSignal {
  /** Distinct items by latest interaction, newest first (at most historyLength). */
  history: string[];
  /** Each history item's strongest pairs, by weight. */
  neighbours: Map<string, Neighbour[]>;
}

/** For any number of users, in one query: their recent items and those items' strongest pairs. */
export async function findUserCoSignals(
  db: Db,
  userIds: readonly string[],
  historyLength: number,
  neighbours: number,
): Promise<Map<string, UserCoSignal>> {
  const rows: { user_id: string; item_id: string; rank: string; itemId: string | null; sim: number | null }[] =
    await db.query(
      `WITH src AS (
       SELECT user_id, item_id, rank FROM (
         SELECT user_id, item_id, row_number() OVER (PARTITION BY user_id ORDER BY max(occurred_at) DESC, max(id) DESC) AS rank
           FROM interactions WHERE user_id = ANY($1) AND ${HISTORY}
          GROUP BY user_id, item_id) r
        WHERE rank <= $3)
     SELECT src.user_id, src.item_id, src.rank, n."itemId", n.sim
       FROM src LEFT JOIN LATERAL (${NEIGHBOURS}) n ON true
      ORDER BY src.user_id, src.rank, n.weight DESC, n."itemId" COLLATE "C"`,
      [userIds, neighbours, historyLength],
    );
  const out = new Map<string, UserCoSignal>(userIds.map((id) => [id, { history: [], neighbours: new Map() }]));
  for (const r of rows) {
    const signal = out.get(r.user_id)!;
    let list = signal.neighbours.get(r.item_id);
    if (!list) {
      signal.history.push(r.item_id);
      signal.neighbours.set(r.item_id, (list = []));
    }
    if (r.itemId !== null) list.push({ itemId: r.itemId, sim: Number(r.sim) });
  }
  return out;
}

/** For any number of items, in one query: each item's strongest pairs. */
export async function findItemNeighbours(
  db: Db,
  itemIds: readonly string[],
  neighbours: number,
): Promise<Map<string, Neighbour[]>> {
  const rows: { item_id: string; itemId: string; sim: number }[] = await db.query(
    `SELECT src.item_id, n."itemId", n.sim
       FROM unnest($1::text[]) AS src(item_id) CROSS JOIN LATERAL (${NEIGHBOURS}) n
      ORDER BY src.item_id, n.weight DESC, n."itemId" COLLATE "C"`,
    [itemIds, neighbours],
  );
  const out = new Map<string, Neighbour[]>(itemIds.map((id) => [id, []]));
  for (const r of rows) out.get(r.item_id)!.push({ itemId: r.itemId, sim: Number(r.sim) });
  return out;
}
