import { MigrationInterface, QueryRunner } from 'typeorm';
import { renameInterestTerms } from '../src/db/repositories/users';
import { normaliseTerm } from '../src/personalisation/tokenise';

/**
 * normaliseTerm now follows singular forms to the end ("Women's Interest" was "women interest",
 * is "woman interest"), so every term is its own normal form. Stored profile terms are renamed
 * to the new form: normalising an old term gives exactly the new term of the same label (the
 * old form was one step along the same chain). Where a user had both forms, their weights add,
 * as the weights of one term do. Item features need no step: the index is built from the items'
 * labels at every start. Not undone: the old form cannot be told from the new one.
 */
export class IdempotentTerms1764600000000 implements MigrationInterface {
  name = 'IdempotentTerms1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await renameInterestTerms(q.manager, normaliseTerm);
  }

  async down(): Promise<void> {
    // Nothing to undo: a renamed term is a term the new code writes too.
  }
}
