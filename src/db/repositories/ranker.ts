/**
 * What the learned ranker is trained from and where its versions are kept: the interaction log
 * and the catalogue's facts, read in pages, and `model_versions` rows of kind 'ranker'.
 */
import type { DataSource } from 'typeorm';
import type { InteractionKind } from '../../domain/interaction';

/** The kinds of event a ranker learns "what came next" from (searches and rejections are not items taken). */
export const RANKER_EVENT_KINDS: readonly InteractionKind[] = ['VIEW', 'ADD_TO_CART', 'PURCHASE'];

export interface LoggedItemEvent {
  userId: string;
  itemId: string;
  kind: InteractionKind;
  occurredAt: Date;
}

/** The log's item events, by user then time, in pages of `chunk` (keyset pagination on the id). */
export async function* streamItemEvents(db: DataSource, chunk = 50_000): AsyncGenerator<LoggedItemEvent[]> {
  let after = '0';
  for (;;) {
    const rows: (LoggedItemEvent & { id: string })[] = await db.query(
      `SELECT id::text AS id, user_id AS "userId", item_id AS "itemId", kind, occurred_at AS "occurredAt"
         FROM interactions
        WHERE id > $1::bigint AND item_id IS NOT NULL AND kind = ANY($2::text[])
        ORDER BY interactions.id LIMIT $3`,
      [after, RANKER_EVENT_KINDS, chunk],
    );
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1].id;
  }
}

export interface ItemFactsRow {
  id: string;
  tags: string[];
  categories: string[];
  brand: string | null;
  price: number | null;
}

export async function* streamItemFacts(db: DataSource, chunk = 10_000): AsyncGenerator<ItemFactsRow[]> {
  let after: string | null = null;
  for (;;) {
    const rows: ItemFactsRow[] = await db.query(
      `SELECT id, tags, categories, brand, price::float8 AS price FROM items
        WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [after, chunk],
    );
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1].id;
  }
}

export interface StoredRanker {
  id: string;
  createdAt: Date;
  /** The model's numbers (personalisation/ranker/model.ts RankerModel), checked by the reader. */
  model: unknown;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export async function insertRanker(db: DataSource, row: Omit<StoredRanker, 'createdAt'>): Promise<void> {
  await db.query(
    `INSERT INTO model_versions (id, kind, topology, weight_specs, weights, config, metrics)
     VALUES ($1, 'ranker', $2, '[]', ''::bytea, $3, $4)`,
    [
      row.id,
      JSON.stringify({ format: 'gam-ranker-1', model: row.model }),
      JSON.stringify(row.config),
      JSON.stringify(row.metrics),
    ],
  );
}

export async function findNewestRanker(db: DataSource): Promise<StoredRanker | null> {
  const rows: StoredRanker[] = await db.query(
    `SELECT id, created_at AS "createdAt", topology->'model' AS model, config, metrics
       FROM model_versions WHERE kind = 'ranker' AND topology->>'format' = 'gam-ranker-1'
      ORDER BY created_at DESC, id DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}
