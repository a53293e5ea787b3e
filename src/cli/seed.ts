/** npm run seed: loads the shipped sample catalogue and simulated users into the configured database. */
import { seedSample } from '../ingest/seed';
import { createLogger } from '../logger';
import { withDatabase } from './database';

withDatabase(async (db, config) => {
  const counts = await seedSample(db, config, createLogger(config.logLevel));
  process.stdout.write(
    `seeded ${counts.items} items and ${counts.interactions} interactions (users are simulated; see data/sample/SOURCE.md); description model ${counts.modelVersion ?? 'none bundled'}\n`,
  );
}).catch((err) => {
  process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
