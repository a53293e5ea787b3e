/** npm run migration:run: applies pending migrations (opening the database does it) and lists them. */
import { withDatabase } from './database';

withDatabase(async (db) => {
  const rows: { name: string }[] = await db.query(`SELECT name FROM migrations ORDER BY id`);
  process.stdout.write(`migrations applied:\n${rows.map((r) => `  ${r.name}`).join('\n')}\n`);
}).catch((err) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
