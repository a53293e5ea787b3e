import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Copy made of the item's own sentences (issue 13): a cached text now carries its claims (which
 * field each span came from) and the word budget it was written for, which joins the key. The
 * texts cached so far were the GRU generator's, which no longer writes: they go.
 */
export class CopyClaims1764600000000 implements MigrationInterface {
  name = 'CopyClaims1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM generated_descriptions`);
    await q.query(`
      ALTER TABLE generated_descriptions
        ADD COLUMN max_words integer NOT NULL CHECK (max_words BETWEEN 15 AND 200),
        ADD COLUMN claims jsonb NOT NULL,
        DROP CONSTRAINT generated_descriptions_pkey,
        ADD PRIMARY KEY (item_id, focus_key, model_version, max_words)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM generated_descriptions`);
    await q.query(`
      ALTER TABLE generated_descriptions
        DROP CONSTRAINT generated_descriptions_pkey,
        DROP COLUMN claims,
        DROP COLUMN max_words,
        ADD PRIMARY KEY (item_id, focus_key, model_version)`);
  }
}
