/** The cache of written copy (`generated_descriptions`): a row per item, focus terms, model version and budget. */
import type { DataSource } from 'typeorm';

export interface CachedCopyKey {
  itemId: string;
  focusKey: string;
  maxWords: number;
}

export interface CachedCopy extends CachedCopyKey {
  /** The content hash of the item the text was written from: another hash means a stale text. */
  itemHash: string;
  text: string;
  highlights: string[];
  claims: { text: string; source: string; ref: string }[];
}

/** The cached texts of one model version for the keys, in one statement. */
export async function findCachedCopy(
  db: DataSource,
  version: string,
  keys: readonly CachedCopyKey[],
): Promise<CachedCopy[]> {
  if (keys.length === 0) return [];
  return db.query(
    `SELECT d.item_id AS "itemId", d.focus_key AS "focusKey", d.max_words AS "maxWords", d.item_hash AS "itemHash",
            d.text, d.highlights, d.claims
       FROM generated_descriptions d
       JOIN unnest($2::text[], $3::text[], $4::int[]) AS w(item_id, focus_key, max_words)
         ON w.item_id = d.item_id AND w.focus_key = d.focus_key AND w.max_words = d.max_words
      WHERE d.model_version = $1`,
    [version, keys.map((k) => k.itemId), keys.map((k) => k.focusKey), keys.map((k) => k.maxWords)],
  );
}

/** Stores texts in one statement; an item no longer in the catalogue is skipped (its row would dangle). */
export async function saveCachedCopy(db: DataSource, version: string, rows: readonly CachedCopy[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO generated_descriptions
            (item_id, focus_key, max_words, model_version, item_hash, text, highlights, claims)
     SELECT r.item_id, r.focus_key, r.max_words, $1, r.item_hash, r.text,
            ARRAY(SELECT jsonb_array_elements_text(r.highlights)), r.claims
       FROM jsonb_to_recordset($2::jsonb)
         AS r(item_id text, focus_key text, max_words int, item_hash text, text text, highlights jsonb, claims jsonb)
       JOIN items i ON i.id = r.item_id
     ON CONFLICT (item_id, focus_key, model_version, max_words)
     DO UPDATE SET item_hash = EXCLUDED.item_hash, text = EXCLUDED.text, highlights = EXCLUDED.highlights,
                   claims = EXCLUDED.claims, created_at = now()`,
    [
      version,
      JSON.stringify(
        rows.map((r) => ({
          item_id: r.itemId,
          focus_key: r.focusKey,
          max_words: r.maxWords,
          item_hash: r.itemHash,
          text: r.text,
          highlights: r.highlights,
          claims: r.claims,
        })),
      ),
    ],
  );
}
