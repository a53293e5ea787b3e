/** The data source TypeORM's own CLI uses (`npm run migration:generate -- migrations/Name`). */
import { loadConfig } from '../config';
import { createDataSource } from './data-source';

const config = loadConfig();
if (!config.database.url) {
  // Starting a PostgreSQL from inside TypeORM's CLI would leave it running when the CLI exits.
  throw new Error(
    `set DATABASE_URL for migration:generate (it diffs the entities against that database); ` +
      `while npm start runs, its embedded one is postgres://postgres:tailor@127.0.0.1:${config.database.embeddedPort}/tailor`,
  );
}

export default createDataSource({
  url: config.database.url,
  schema: config.database.schema,
  ssl: config.database.ssl,
  poolSize: config.database.poolSize,
});
