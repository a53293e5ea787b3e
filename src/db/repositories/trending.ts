/** Trending items (issue 16): interactions per item in a recent window against the window before. */
import type { DataSource } from 'typeorm';

export interface TrendingRow {
  itemId: string;
  recent: number;
  previous: number;
  score: number;
}

/**
 * Items with more interactions in (now - window, now] than in (now - 2 window, now - window],
 * best first by (recent + s) / (previous + s) - 1, then id. Counted events of catalogue items
 * only; NOT_INTERESTED is no interaction with an item in this sense. One statement over the
 * occurred_at index.
 */
export async function findTrending(
  db: DataSource,
  nowMs: number,
  windowMs: number,
  smoothing: number,
  limit: number,
): Promise<TrendingRow[]> {
  const rows: { item_id: string; recent: number; previous: number; score: number }[] = await db.query(
    `WITH counts AS (
       SELECT i.item_id,
              count(*) FILTER (WHERE i.occurred_at > $1::timestamptz - make_interval(secs => $2))::int AS recent,
              count(*) FILTER (WHERE i.occurred_at <= $1::timestamptz - make_interval(secs => $2))::int AS previous
         FROM interactions i JOIN items it ON it.id = i.item_id
        WHERE i.counted AND i.kind <> 'NOT_INTERESTED'
          AND i.occurred_at > $1::timestamptz - make_interval(secs => 2 * $2) AND i.occurred_at <= $1::timestamptz
        GROUP BY i.item_id)
     SELECT item_id, recent, previous, ((recent + $3::float8) / (previous + $3::float8) - 1)::float8 AS score
       FROM counts WHERE recent > previous
      ORDER BY score DESC, item_id
      LIMIT $4`,
    [new Date(nowMs), windowMs / 1000, smoothing, limit],
  );
  return rows.map((r) => ({ itemId: r.item_id, recent: r.recent, previous: r.previous, score: r.score }));
}
