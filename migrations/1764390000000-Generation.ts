import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model versions written by `npm run train` (generator, its pre-trained-only snapshot and the
 * discriminator, each a TensorFlow.js model: topology, weight specs, weights) and the cache of
 * generated descriptions, keyed by item, focus terms and model version. A cached text also
 * records a hash of the item it was written from, so an edited item is written again.
 */
export class Generation1764390000000 implements MigrationInterface {
  name = 'Generation1764390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE model_versions (
        id           text PRIMARY KEY,
        kind         text NOT NULL CHECK (kind IN ('generator', 'generator-pretrained', 'discriminator')),
        created_at   timestamptz NOT NULL DEFAULT now(),
        topology     jsonb NOT NULL,
        weight_specs jsonb NOT NULL,
        weights      bytea NOT NULL,
        vocabulary   jsonb,
        config       jsonb NOT NULL DEFAULT '{}',
        metrics      jsonb NOT NULL DEFAULT '{}'
      )`);
    // Every process polls for the newest generator.
    await q.query(`CREATE INDEX model_versions_kind_created_idx ON model_versions (kind, created_at DESC)`);
    await q.query(`
      CREATE TABLE generated_descriptions (
        item_id       text NOT NULL REFERENCES items (id) ON DELETE CASCADE,
        focus_key     text NOT NULL,
        model_version text NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
        item_hash     text NOT NULL,
        text          text NOT NULL,
        highlights    text[] NOT NULL DEFAULT '{}',
        created_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (item_id, focus_key, model_version)
      )`);
    await q.query(`CREATE INDEX generated_descriptions_version_idx ON generated_descriptions (model_version)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE generated_descriptions`);
    await q.query(`DROP TABLE model_versions`);
  }
}
