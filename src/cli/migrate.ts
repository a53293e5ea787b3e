/** npm run migration:run: applies pending migrations (opening the database does it) and lists them. */
import { appliedMigrations } from '../db/repositories/database';
import { withDatabase } from './database';

withDatabase(async (db) => {
  const names = await appliedMigrations(db);
  process.stdout.write(`migrations applied:\n${names.map((name) => `  ${name}`).join('\n')}\n`);
}).catch((err) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
