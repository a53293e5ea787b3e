/** The data source TypeORM's own CLI uses (`npm run migration:generate -- migrations/Name`). */
import { loadConfig } from '../config';
import { createDataSource } from './data-source';

const config = loadConfig();
if (!config.database.url) throw new Error('set DATABASE_URL for migration:generate (it diffs entities against that database)');

export default createDataSource({ url: config.database.url, schema: config.database.schema });
