/**
 * Gives every test worker a real Postgres: DATABASE_URL when set, else an embedded one started
 * here (and stopped in global-teardown). Each test file then works in a schema of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, EmbeddedDatabase } from '../../src/db/embedded';
import { freePort } from './free-port';

declare global {
  var __TAILOR_EMBEDDED_PG__: EmbeddedDatabase | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  // A port the OS says is free and a data folder of this run's own, deleted when it stops: two
  // suites on one machine (two checkouts, CI beside a developer's run) never share either.
  const port = process.env.TEST_EMBEDDED_PG_PORT ? Number(process.env.TEST_EMBEDDED_PG_PORT) : await freePort();
  // Directly under the temp dir: as root, PostgreSQL runs as the postgres user, which must be able to create it.
  const dir = mkdtempSync(join(tmpdir(), 'tailor-test-pg-'));
  rmSync(dir, { recursive: true });
  const db = await startEmbeddedPostgres({ port, database: 'tailor_test', dir, ephemeral: true });
  globalThis.__TAILOR_EMBEDDED_PG__ = db;
  process.env.DATABASE_URL = db.url;
  process.env.TAILOR_TEST_EMBEDDED = '1';
}
