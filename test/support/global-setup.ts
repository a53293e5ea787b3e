/**
 * Gives every test worker a real Postgres: DATABASE_URL when set, else an embedded one started
 * here (and stopped in global-teardown). Each test file then works in a schema of its own.
 */
import { startEmbeddedPostgres, EmbeddedDatabase } from '../../src/db/embedded';

declare global {
  var __TAILOR_EMBEDDED_PG__: EmbeddedDatabase | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const port = Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54329);
  const db = await startEmbeddedPostgres({ port, database: 'tailor_test', dir: undefined });
  globalThis.__TAILOR_EMBEDDED_PG__ = db;
  process.env.DATABASE_URL = db.url;
  process.env.TAILOR_TEST_EMBEDDED = '1';
}
