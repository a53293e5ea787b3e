import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The learned ranker (issue 17) is stored as a model version beside the description model: a row
 * of kind 'ranker' whose topology holds the model's numbers (a generalised additive model is a
 * few hundred weights, no tensor weights file).
 */
export class RankerVersions1765100000000 implements MigrationInterface {
  name = 'RankerVersions1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE model_versions
        DROP CONSTRAINT model_versions_kind_check,
        ADD CONSTRAINT model_versions_kind_check
          CHECK (kind IN ('generator', 'generator-pretrained', 'discriminator', 'ranker'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM model_versions WHERE kind = 'ranker'`);
    await q.query(`
      ALTER TABLE model_versions
        DROP CONSTRAINT model_versions_kind_check,
        ADD CONSTRAINT model_versions_kind_check
          CHECK (kind IN ('generator', 'generator-pretrained', 'discriminator'))`);
  }
}
