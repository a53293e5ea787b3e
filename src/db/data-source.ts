/**
 * The TypeORM data source: one pool per process, migrations from migrations/ (never
 * synchronize), optional schema (tests give each file a schema of its own).
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';

export interface DatabaseOptions {
  url: string;
  /** Postgres schema to work in; tables, migrations table and search_path all use it. */
  schema?: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  ssl?: boolean | { rejectUnauthorized: boolean };
  applicationName?: string;
  /** Called with each SQL statement TypeORM runs (tests count queries with it). */
  onQuery?: (sql: string) => void;
}

export const MIGRATIONS_GLOB = join(__dirname, '..', '..', 'migrations', '[0-9]*-*.{ts,js}');

export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  const schema = options.schema;
  const pgOptions: string[] = [];
  if (schema) pgOptions.push(`-c search_path=${schema}`);
  if (options.statementTimeoutMs) pgOptions.push(`-c statement_timeout=${options.statementTimeoutMs}`);
  return {
    type: 'postgres',
    url: options.url,
    schema,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    ssl: options.ssl,
    applicationName: options.applicationName ?? 'tailor',
    poolSize: options.poolSize ?? 10,
    extra: {
      options: pgOptions.length > 0 ? pgOptions.join(' ') : undefined,
      connectionTimeoutMillis: 5_000,
    },
    logging: options.onQuery ? ['query'] : false,
    logger: options.onQuery ? new QueryCounterLogger(options.onQuery) : undefined,
  };
}

class QueryCounterLogger {
  constructor(private readonly onQuery: (sql: string) => void) {}
  logQuery(query: string): void {
    this.onQuery(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}

/** Connects and brings the schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  if (options.schema) await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}
