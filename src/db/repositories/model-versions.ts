/**
 * Stored model versions (`model_versions`): one row per network of a version, each a
 * TensorFlow.js model (topology, weight specs, weights) with the version's configuration and
 * metrics. A version's policy row has the version's id and kind 'generator'; its discriminator
 * row the id `<version>:discriminator`.
 */
import type { DataSource, EntityManager } from 'typeorm';

export type NetworkKind = 'generator' | 'discriminator';

export interface NetworkRow {
  id: string;
  kind: NetworkKind;
  topology: Record<string, unknown>;
  weightSpecs: { name: string; shape: number[]; dtype: string }[];
  weights: Buffer;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
}

export async function insertNetworkRow(db: DataSource | EntityManager, row: NetworkRow): Promise<void> {
  await db.query(
    `INSERT INTO model_versions (id, kind, topology, weight_specs, weights, config, metrics)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
    [
      row.id,
      row.kind,
      JSON.stringify(row.topology),
      JSON.stringify(row.weightSpecs),
      row.weights,
      JSON.stringify(row.config),
      JSON.stringify(row.metrics),
    ],
  );
}

export async function findNetworkRow(db: DataSource, id: string, kind: NetworkKind): Promise<NetworkRow | null> {
  const rows: NetworkRow[] = await db.query(
    `SELECT id, kind, topology, weight_specs AS "weightSpecs", weights, config, metrics
       FROM model_versions WHERE id = $1 AND kind = $2`,
    [id, kind],
  );
  return rows[0] ?? null;
}

/**
 * The newest policy of the given format (versions of other formats, such as the GRU generator
 * this project once stored, are left alone and never served).
 */
export async function findNewestPolicyId(db: DataSource, format: string): Promise<string | null> {
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM model_versions WHERE kind = 'generator' AND topology->>'format' = $1
      ORDER BY created_at DESC, id DESC LIMIT 1`,
    [format],
  );
  return rows[0]?.id ?? null;
}
