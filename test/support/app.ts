/**
 * A tailor instance on a test database: the real services and the real Apollo Server, asked
 * in-process (executeOperation) or over HTTP, as a frontend or gateway would.
 */
import type { AddressInfo } from 'node:net';
import type { Config } from '../../src/config';
import { testConfig } from './config';
import { makeViewer } from '../../src/auth/viewer';
import { createContext } from '../../src/context';
import { createLogger } from '../../src/logger';
import { createHttpServer, HttpServer } from '../../src/server';
import { buildServices, Services } from '../../src/services';
import type { TestDatabase } from './db';
import { openDatabase } from '../../src/db/data-source';

export interface TestApp {
  services: Services;
  server: HttpServer;
  config: Config;
  /** Runs an operation in-process as `as`: a user id, 'service' (the default: may read anyone) or null (anonymous). */
  run<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: string | null,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown }[] }>;
  /** Listens on a free port; returns the /graphql URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Connect through this URL (e.g. a proxy) with a pool of its own instead of sharing the test's. */
  url?: string;
}

export async function createTestApp(db: TestDatabase, options: TestAppOptions = {}): Promise<TestApp> {
  const url = options.url ?? db.url;
  const config = testConfig({
    DATABASE_URL: url,
    DATABASE_SCHEMA: db.schema,
    INDEX_REFRESH_MS: '200',
    MODEL_POLL_MS: '200',
    ...options.env,
  });
  const logger = createLogger(config.logLevel);
  const dataSource = options.url
    ? await openDatabase({ url, schema: db.schema, poolSize: 5, statementTimeoutMs: 5_000 })
    : db.dataSource;
  const services = await buildServices({ db: dataSource, url, schema: db.schema, config, logger });
  const server = await createHttpServer(services, config, logger);
  let listening = false;
  return {
    services,
    server,
    config,
    async run(query, variables, as = 'service') {
      const viewer = as === 'service' ? makeViewer(null, true) : makeViewer(as, false);
      const response = await server.apollo.executeOperation(
        { query, variables },
        { contextValue: createContext(services, viewer) },
      );
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      // Through JSON, as a client sees it (dates become ISO strings).
      return JSON.parse(JSON.stringify(response.body.singleResult));
    },
    async listen() {
      await new Promise<void>((resolve) => server.http.listen(0, '127.0.0.1', resolve));
      listening = true;
      return `http://127.0.0.1:${(server.http.address() as AddressInfo).port}/graphql`;
    },
    async close() {
      await server.apollo.stop();
      if (listening && server.http.listening) await new Promise((r) => server.http.close(r));
      await services.close();
      if (options.url) await dataSource.destroy();
    },
  };
}
