/** Users and their stored interest profiles. */
import { DataSource, EntityManager } from 'typeorm';
import type { UserEntity } from '../entities';
import { storableIds } from './items';
import { feedCountColumn } from './pair-feed';
import { HISTORY } from './pairs';

/** The columns of UserEntity under its property names, from `users u`. */
const USER_COLUMNS = `u.id, u.consent, u.profile_ref_time AS "profileRefTime", u.created_at AS "createdAt"`;

/** Plain SQL rather than Repository.findBy, for the reason given at findItemsByIds. */
export async function findUsersByIds(db: DataSource | EntityManager, ids: readonly string[]): Promise<UserEntity[]> {
  const wanted = storableIds(ids);
  if (wanted.length === 0) return [];
  return db.query(`SELECT ${USER_COLUMNS} FROM "users" u WHERE u.id = ANY($1::text[])`, [wanted]);
}

/**
 * Locks a user's row for the rest of the transaction (creating the user if new) and returns
 * what recording an event needs: one statement for a known user.
 */
export async function lockUser(
  db: EntityManager,
  id: string,
): Promise<{ consent: boolean; profile_ref_time: Date | null }> {
  const lock = (): Promise<{ consent: boolean; profile_ref_time: Date | null }[]> =>
    db.query(`SELECT consent, profile_ref_time FROM users WHERE id = $1 FOR UPDATE`, [id]);
  const [user] = await lock();
  if (user) return user;
  await ensureUsers(db, [id]);
  return (await lock())[0];
}

/**
 * Locks existing users' rows for the rest of the transaction, in id order: every path that
 * locks several users takes the same order, so two of them wait for each other, never deadlock.
 */
export async function lockUsers(db: EntityManager, ids: readonly string[]): Promise<void> {
  await db.query(`SELECT 1 FROM users WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [ids]);
}

export async function ensureUsers(db: DataSource | EntityManager, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`INSERT INTO users (id) SELECT unnest($1::text[]) ON CONFLICT (id) DO NOTHING`, [ids]);
}

export interface StoredProfile {
  weights: Map<string, number>;
  refMs: number;
  /** Items the user marked NOT_INTERESTED (and did not undo). */
  rejected: Set<string>;
  /** Items shown IMPRESSIONS_READ_MIN times or more since the user last engaged with them, with the count. */
  impressions: Map<string, number>;
}

/**
 * Impressions below this count are not read: no penalty starts before the second showing
 * (IMPRESSION_GRACE >= 1 gives DECAY^(n - GRACE + 1) < 1 only from n >= GRACE), and a user's
 * once-shown items are the bulk of the rows. The most recent 1,000 are read.
 */
const IMPRESSIONS_READ_MIN = 2;

/** A user's interest weights as one JSON object (null without consent), from `users u`. */
const WEIGHTS_COLUMN = `CASE WHEN u.consent THEN (SELECT json_object_agg(ui.term, ui.weight) FROM user_interests ui WHERE ui.user_id = u.id) END AS weights`;

/**
 * A user's rejected items and repeated impressions, from `users u`: read with the profile in the
 * statement a ranking request already makes (issue 16), so feedback costs no extra round trip.
 */
const FEEDBACK_COLUMNS = `(SELECT json_agg(DISTINCT n.item_id) FROM interactions n WHERE n.user_id = u.id AND n.kind = 'NOT_INTERESTED') AS rejected,
  (SELECT json_object_agg(s.item_id, s.shown) FROM (SELECT item_id, shown FROM impressions i WHERE i.user_id = u.id AND i.shown >= ${IMPRESSIONS_READ_MIN} ORDER BY last_shown_at DESC LIMIT 1000) s) AS impressions`;

interface ProfileRow {
  ref: Date | null;
  weights: Record<string, number> | null;
  rejected?: string[] | null;
  impressions?: Record<string, number> | null;
}

/** Users without a profile, and users who turned personalisation off, get an empty one: every personal output then falls back to generic. */
function toProfile(row: ProfileRow | undefined): StoredProfile {
  return {
    weights: new Map(row?.weights ? Object.entries(row.weights) : []),
    refMs: row?.ref ? row.ref.getTime() : -Infinity,
    rejected: new Set(row?.rejected ?? []),
    impressions: new Map(row?.impressions ? Object.entries(row.impressions) : []),
  };
}

/**
 * Raw interest weights of several users in one query. One row per user with the weights as one
 * JSON object: JSON.parse is native, while a row per term costs a row parse (and a timestamp
 * parse) each.
 */
export async function findProfiles(
  db: DataSource | EntityManager,
  userIds: readonly string[],
): Promise<Map<string, StoredProfile>> {
  const wanted = storableIds(userIds);
  const rows: (ProfileRow & { user_id: string })[] =
    wanted.length === 0
      ? []
      : await db.query(
          `SELECT u.id AS user_id, u.profile_ref_time AS ref, ${WEIGHTS_COLUMN}, ${FEEDBACK_COLUMNS} FROM "users" u WHERE u.id = ANY($1::text[])`,
          [wanted],
        );
  const byId = new Map(rows.map((r) => [r.user_id, r]));
  return new Map(userIds.map((id) => [id, toProfile(byId.get(id))]));
}

export interface UserWithPersonalData {
  user: UserEntity;
  profile: StoredProfile;
  /** Items the user has interacted with; only when asked for. */
  interacted?: Set<string>;
  /** HYBRID: the user's recent items and the pair feed's count; only when asked for. */
  coSignal?: UserCoHistory;
}

/** What HYBRID reads with the user: their recent items, and how many pair feed rows lay above `low`. */
export interface UserCoHistory {
  /** Distinct items by latest counted interaction (not SEARCH or NOT_INTERESTED), newest first (at most historyLength). */
  history: string[];
  feed: { low: number; count: number };
}

/** HYBRID's history: distinct items by their latest counted event of pairs.ts's HISTORY, newest first (collab.ts). */
export const RECENT_HISTORY = (userColumn: string, limit: string) =>
  `(SELECT json_agg(h.item_id) FROM (
      SELECT x.item_id FROM interactions x
       WHERE x.user_id = ${userColumn} AND ${HISTORY}
       GROUP BY x.item_id ORDER BY max(x.occurred_at) DESC, max(x.id) DESC LIMIT ${limit}) h)`;

/**
 * Users with their profiles, and with `withHistory` the items they have interacted with, in one
 * statement: what a request for a user's interests or recommendations would otherwise read in
 * three round trips. Unknown users are absent.
 */
export async function findUsersWithPersonalData(
  db: DataSource | EntityManager,
  ids: readonly string[],
  withHistory: boolean,
  hybrid?: { historyLength: number; feedLow: number },
): Promise<Map<string, UserWithPersonalData>> {
  const wanted = storableIds(ids);
  if (wanted.length === 0) return new Map();
  // Repeats are dropped by the Set below, which is cheaper than a DISTINCT's sort in Postgres.
  // The history a ranking needs: what the user interacted with, rejected and was shown.
  const history = withHistory
    ? `, (SELECT json_agg(x.item_id) FROM interactions x WHERE x.user_id = u.id AND x.item_id IS NOT NULL) AS interacted, ${FEEDBACK_COLUMNS}`
    : '';
  const co = hybrid ? `, ${RECENT_HISTORY('u.id', '$2')} AS recent, ${feedCountColumn('$3')}` : '';
  const rows: (UserEntity &
    Omit<ProfileRow, 'ref'> & {
      interacted?: string[] | null;
      recent?: string[] | null;
      pair_feed_count?: number;
    })[] = await db.query(
    `SELECT ${USER_COLUMNS}, ${WEIGHTS_COLUMN}${history}${co} FROM "users" u WHERE u.id = ANY($1::text[])`,
    hybrid ? [wanted, hybrid.historyLength, hybrid.feedLow] : [wanted],
  );
  return new Map(
    rows.map(({ weights, rejected, impressions, interacted, recent, pair_feed_count, ...user }) => [
      user.id,
      {
        user,
        profile: toProfile({ ref: user.profileRefTime, weights, rejected, impressions }),
        ...(withHistory ? { interacted: new Set(interacted ?? []) } : {}),
        ...(hybrid
          ? { coSignal: { history: recent ?? [], feed: { low: hybrid.feedLow, count: pair_feed_count ?? 0 } } }
          : {}),
      },
    ]),
  );
}

/** HYBRID's read for users loaded without it: their recent items and the pair feed's count, in one statement. */
export async function findUserCoHistories(
  db: DataSource | EntityManager,
  ids: readonly string[],
  historyLength: number,
  feedLow: number,
): Promise<Map<string, UserCoHistory>> {
  const [row]: { recent: Record<string, string[] | null> | null; pair_feed_count: number }[] = await db.query(
    `SELECT (SELECT json_object_agg(u.id, ${RECENT_HISTORY('u.id', '$2')}) FROM unnest($1::text[]) AS u(id)) AS recent,
            ${feedCountColumn('$3')}`,
    [storableIds(ids), historyLength, feedLow],
  );
  const feed = { low: feedLow, count: row.pair_feed_count };
  return new Map(ids.map((id) => [id, { history: row.recent?.[id] ?? [], feed }]));
}

/** Items each user has interacted with, in one query. */
export async function findInteractedItems(
  db: DataSource | EntityManager,
  userIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>();
  for (const id of userIds) result.set(id, new Set());
  if (userIds.length === 0) return result;
  userIds = storableIds(userIds);
  const rows: { user_id: string; item_id: string }[] = await db.query(
    `SELECT DISTINCT user_id, item_id FROM interactions WHERE user_id = ANY($1::text[]) AND item_id IS NOT NULL`,
    [userIds],
  );
  for (const row of rows) result.get(row.user_id)!.add(row.item_id);
  return result;
}

/**
 * Applies one counted event to a user's stored profile: every weight times `rescale`, then
 * the additions, and the new reference time. Runs inside the caller's transaction.
 */
export async function applyProfileUpdate(
  db: EntityManager,
  userId: string,
  update: { rescale: number; refMs: number; additions: Map<string, number> },
): Promise<void> {
  // One statement: the rescale of the terms the event does not name, the rescale plus addition
  // of those it does (weight * rescale + addition, the order the two-step update computed in),
  // and the new reference time. The three touch different rows.
  await db.query(
    `WITH rescaled AS (
       UPDATE user_interests SET weight = weight * $2
        WHERE user_id = $1 AND $2::float8 <> 1 AND term <> ALL($3::text[])),
     added AS (
       INSERT INTO user_interests (user_id, term, weight)
       SELECT $1, t.term, t.weight FROM unnest($3::text[], $4::float8[]) AS t(term, weight)
       ON CONFLICT (user_id, term) DO UPDATE SET weight = user_interests.weight * $2 + excluded.weight)
     UPDATE users SET profile_ref_time = $5 WHERE id = $1`,
    [userId, update.rescale, [...update.additions.keys()], [...update.additions.values()], new Date(update.refMs)],
  );
}

/** Replaces several users' profiles at once (bulk import rebuilds them from the log). */
export async function replaceProfiles(
  db: EntityManager,
  profiles: ReadonlyMap<string, { weights: ReadonlyMap<string, number>; refMs: number }>,
): Promise<void> {
  const userIds = [...profiles.keys()];
  if (userIds.length === 0) return;
  await db.query(`DELETE FROM user_interests WHERE user_id = ANY($1::text[])`, [userIds]);
  const users: string[] = [];
  const terms: string[] = [];
  const weights: number[] = [];
  const refs: (Date | null)[] = [];
  for (const [userId, profile] of profiles) {
    refs.push(Number.isFinite(profile.refMs) ? new Date(profile.refMs) : null);
    for (const [term, weight] of profile.weights) {
      users.push(userId);
      terms.push(term);
      weights.push(weight);
    }
  }
  await db.query(
    `INSERT INTO user_interests (user_id, term, weight)
     SELECT * FROM unnest($1::text[], $2::text[], $3::float8[])`,
    [users, terms, weights],
  );
  await db.query(
    `UPDATE users u SET profile_ref_time = r.ref FROM unnest($1::text[], $2::timestamptz[]) AS r(id, ref) WHERE u.id = r.id`,
    [userIds, refs],
  );
}

export async function setConsent(db: DataSource | EntityManager, userId: string, enabled: boolean): Promise<void> {
  await db.query(
    `INSERT INTO users (id, consent) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET consent = excluded.consent`,
    [userId, enabled],
  );
}

/** Deletes a user and, by cascade, their interactions and profile; returns what was there. */
export async function deleteUser(
  db: EntityManager,
  userId: string,
): Promise<{ existed: boolean; interactions: number }> {
  const [{ n }]: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM interactions WHERE user_id = $1`, [
    userId,
  ]);
  // TypeORM answers a DELETE ... RETURNING on Postgres with [rows, affected].
  const deleted: [unknown[], number] = await db.query(`DELETE FROM users WHERE id = $1 RETURNING id`, [userId]);
  return { existed: deleted[0].length > 0, interactions: n };
}

/**
 * Renames every stored interest term to `normalise(term)` (migrations use it when the
 * normal form of a term changes), adding the weights of a user's terms that meet; returns how
 * many distinct terms changed.
 */
export async function renameInterestTerms(
  db: DataSource | EntityManager,
  normalise: (term: string) => string | null,
): Promise<number> {
  const rows: { term: string }[] = await db.query(`SELECT DISTINCT term FROM user_interests`);
  const renames = rows
    .map(({ term }) => [term, normalise(term)] as const)
    .filter(([from, to]) => to !== null && to !== from);
  if (renames.length === 0) return 0;
  await db.query(
    `WITH renames AS (SELECT * FROM unnest($1::text[], $2::text[]) AS r(old, new)),
          moved AS (DELETE FROM user_interests ui USING renames r WHERE ui.term = r.old RETURNING ui.user_id, r.new AS term, ui.weight)
     INSERT INTO user_interests (user_id, term, weight)
     SELECT user_id, term, sum(weight) FROM moved GROUP BY user_id, term
     ON CONFLICT (user_id, term) DO UPDATE SET weight = user_interests.weight + excluded.weight`,
    [renames.map(([from]) => from), renames.map(([, to]) => to)],
  );
  return renames.length;
}
