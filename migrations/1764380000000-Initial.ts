import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users, the catalogue, the append-only interaction log and the users' interest profiles.
 * Interactions are never updated: the profile is derived from them incrementally.
 */
export class Initial1764380000000 implements MigrationInterface {
  name = 'Initial1764380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id               text PRIMARY KEY,
        consent          boolean NOT NULL DEFAULT true,
        profile_ref_time timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE items (
        id          text PRIMARY KEY,
        title       text NOT NULL,
        description text,
        brand       text,
        categories  text[] NOT NULL DEFAULT '{}',
        tags        text[] NOT NULL DEFAULT '{}',
        price       numeric(12, 2) CHECK (price IS NULL OR price >= 0),
        attributes  jsonb NOT NULL DEFAULT '{}',
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // Other processes poll for catalogue changes by updated_at.
    await q.query(`CREATE INDEX items_updated_at_idx ON items (updated_at)`);
    await q.query(`
      CREATE TABLE interactions (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id         text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        item_id         text REFERENCES items (id) ON DELETE SET NULL,
        kind            text NOT NULL CHECK (kind IN ('VIEW', 'SEARCH', 'ADD_TO_CART', 'PURCHASE')),
        query           text,
        occurred_at     timestamptz NOT NULL,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        idempotency_key text,
        counted         boolean NOT NULL DEFAULT true,
        CHECK (item_id IS NOT NULL OR kind = 'SEARCH'),
        -- Keys are the client's: scoped to the user so one user's key never answers for another.
        UNIQUE (user_id, idempotency_key)
      )`);
    await q.query(`CREATE INDEX interactions_user_time_idx ON interactions (user_id, occurred_at)`);
    await q.query(`CREATE INDEX interactions_item_time_idx ON interactions (item_id, occurred_at)`);
    await q.query(`CREATE INDEX interactions_time_idx ON interactions (occurred_at)`);
    await q.query(`
      CREATE TABLE user_interests (
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        term    text NOT NULL,
        weight  double precision NOT NULL,
        PRIMARY KEY (user_id, term)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_interests`);
    await q.query(`DROP TABLE interactions`);
    await q.query(`DROP TABLE items`);
    await q.query(`DROP TABLE users`);
  }
}
