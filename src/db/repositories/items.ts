/** Catalogue reads and writes. */
import { DataSource, EntityManager } from 'typeorm';
import type { Item } from '../../domain/catalogue';
import { ItemEntity } from '../entities';

/** An item as written: everything but the times Postgres keeps. */
export type ItemInput = Omit<Item, 'createdAt' | 'updatedAt'>;

/** Postgres text cannot hold a NUL byte, so no stored id has one; asking with one finds nothing. */
export function storableIds(ids: readonly unknown[]): string[] {
  return ids.filter((id): id is string => typeof id === 'string' && !id.includes('\u0000'));
}

/**
 * The columns of ItemEntity under its property names, decoded as TypeORM would (numeric price as
 * a number). The text arrays travel as JSON: the driver parses Postgres array literals in
 * JavaScript, JSON natively.
 */
const ITEM_COLUMNS = `id, title, description, brand, to_json(categories) AS categories, to_json(tags) AS tags,
  price::float8 AS price, attributes, created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * Plain SQL rather than Repository.findBy: this runs on every request that shows items, and
 * TypeORM's query building and entity hydration cost more CPU than the query itself.
 */
export async function findItemsByIds(db: DataSource | EntityManager, ids: readonly string[]): Promise<ItemEntity[]> {
  const wanted = storableIds(ids);
  if (wanted.length === 0) return [];
  return db.query(`SELECT ${ITEM_COLUMNS} FROM "items" WHERE id = ANY($1::text[])`, [wanted]);
}

/** One page of the catalogue in id order, starting after `afterId`; asks for one extra row to tell whether more follow. */
export async function findItemsPage(
  db: DataSource,
  first: number,
  afterId: string | null,
): Promise<{ items: ItemEntity[]; hasMore: boolean }> {
  const qb = db
    .getRepository(ItemEntity)
    .createQueryBuilder('i')
    .orderBy('i.id', 'ASC')
    .limit(first + 1);
  if (afterId !== null) qb.where('i.id > :afterId', { afterId });
  const rows = await qb.getMany();
  return { items: rows.slice(0, first), hasMore: rows.length > first };
}

/** The catalogue's feature sources in id order, a chunk at a time (index builds stream them). */
export async function* streamItemFeatureSources(
  db: DataSource,
  chunk = 10_000,
): AsyncGenerator<Pick<ItemEntity, 'id' | 'tags' | 'categories' | 'brand' | 'price' | 'updatedAt'>[]> {
  let after: string | null = null;
  for (;;) {
    const rows: Pick<ItemEntity, 'id' | 'tags' | 'categories' | 'brand' | 'price' | 'updatedAt'>[] = await db.query(
      `SELECT id, tags, categories, brand, price::float8 AS price, updated_at AS "updatedAt" FROM items
        WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [after, chunk],
    );
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1].id;
  }
}

/**
 * What changed in the catalogue since `since` (other processes use it to follow catalogue
 * changes): the rows updated or created, the ids deleted (tombstones written by the
 * items_deleted trigger, for ids not back since), and the database's time of the read, from
 * which the next look starts. One statement: a poll must not cost several round trips.
 */
export async function findItemsChangedSince(
  db: DataSource,
  since: Date,
): Promise<{
  polledAt: Date;
  rows: Pick<ItemEntity, 'id' | 'tags' | 'categories' | 'brand' | 'price' | 'updatedAt'>[];
  deleted: string[];
}> {
  const result: ({ polledAt: Date; deleted: string[] } & Pick<
    ItemEntity,
    'id' | 'tags' | 'categories' | 'brand' | 'price' | 'updatedAt'
  >)[] = await db.query(
    `SELECT now() AS "polledAt",
            (SELECT coalesce(json_agg(d.id), '[]') FROM item_deletions d
              WHERE d.deleted_at >= $1 AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = d.id)) AS deleted,
            c.*
       FROM (SELECT 1) AS one LEFT JOIN LATERAL (
       SELECT id, tags, categories, brand, price::float8 AS price, updated_at AS "updatedAt" FROM items WHERE updated_at >= $1 ORDER BY updated_at
     ) AS c ON true`,
    [since],
  );
  const rows = result.filter((r) => r.id !== null).map(({ polledAt: _, deleted: __, ...row }) => row);
  return { polledAt: result[0].polledAt, rows, deleted: result[0].deleted };
}

export async function countItems(db: DataSource): Promise<number> {
  const [row]: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM items`);
  return row.n;
}

/**
 * Inserts or updates a batch in one statement. A row whose content is unchanged is left
 * alone (its updated_at stays, so no process re-indexes it). Returns what happened to each id.
 */
export async function upsertItems(
  db: DataSource | EntityManager,
  items: readonly ItemInput[],
): Promise<{ inserted: string[]; updated: string[] }> {
  if (items.length === 0) return { inserted: [], updated: [] };
  const rows: { id: string; inserted: boolean }[] = await db.query(
    `INSERT INTO items (id, title, description, brand, categories, tags, price, attributes)
     SELECT r.id, r.title, r.description, r.brand,
            ARRAY(SELECT jsonb_array_elements_text(r.categories)),
            ARRAY(SELECT jsonb_array_elements_text(r.tags)),
            r.price, r.attributes
       FROM jsonb_to_recordset($1::jsonb)
         AS r(id text, title text, description text, brand text, categories jsonb, tags jsonb, price numeric, attributes jsonb)
     ON CONFLICT (id) DO UPDATE SET
       title = excluded.title, description = excluded.description, brand = excluded.brand,
       categories = excluded.categories, tags = excluded.tags, price = excluded.price,
       attributes = excluded.attributes, updated_at = now()
     WHERE (items.title, items.description, items.brand, items.categories, items.tags, items.price, items.attributes)
           IS DISTINCT FROM
           (excluded.title, excluded.description, excluded.brand, excluded.categories, excluded.tags, excluded.price, excluded.attributes)
     RETURNING id, (xmax = 0) AS inserted`,
    [JSON.stringify(items)],
  );
  return {
    inserted: rows.filter((r) => r.inserted).map((r) => r.id),
    updated: rows.filter((r) => !r.inserted).map((r) => r.id),
  };
}

/** The fields copy is written from, for every item, a chunk at a time in id order (training reads the catalogue with it). */
export async function* streamItemCopyFields(
  db: DataSource,
  chunk = 5_000,
): AsyncGenerator<
  Pick<ItemEntity, 'id' | 'title' | 'description' | 'brand' | 'categories' | 'tags' | 'price' | 'attributes'>[]
> {
  let after: string | null = null;
  for (;;) {
    const rows: Pick<
      ItemEntity,
      'id' | 'title' | 'description' | 'brand' | 'categories' | 'tags' | 'price' | 'attributes'
    >[] = await db.query(
      `SELECT id, title, description, brand, to_json(categories) AS categories, to_json(tags) AS tags,
                price::float8 AS price, attributes
           FROM items WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [after, chunk],
    );
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1].id;
  }
}
