/**
 * A real Postgres for one test file: a fresh schema with every migration applied, dropped at
 * the end. Counts the SQL statements TypeORM runs so tests can assert on batching.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { openDatabase } from '../../src/db/data-source';

export interface TestDatabase {
  dataSource: DataSource;
  url: string;
  schema: string;
  /** SQL statements run since the last reset. */
  queries: string[];
  resetQueries(): void;
  close(): Promise<void>;
}

export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests through jest (its global setup provides one)');
  return url;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const queries: string[] = [];
  const dataSource = await openDatabase({ url, schema, poolSize: 5, onQuery: (sql) => queries.push(sql) });
  queries.length = 0;
  return {
    dataSource,
    url,
    schema,
    queries,
    resetQueries: () => {
      queries.length = 0;
    },
    close: async () => {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}
