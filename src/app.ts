/**
 * The whole process, assembled: database (embedded by default), migrations, sample data when
 * appropriate, services, HTTP server; and a stop() that undoes it in reverse order.
 */
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { openDatabase } from './db/data-source';
import { startEmbeddedPostgres, EmbeddedDatabase } from './db/embedded';
import { countItems } from './db/repositories/items';
import { seedSample } from './ingest/seed';
import type { Logger } from './logger';
import { createHttpServer, HttpServer } from './server';
import { buildServices, Services } from './services';

export interface App {
  url: string;
  services: Services;
  server: HttpServer;
  stop(): Promise<void>;
}

export async function startApp(config: Config, logger: Logger): Promise<App> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.database.url;
  if (!url) {
    logger.info({ port: config.database.embeddedPort }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({
      port: config.database.embeddedPort,
      dir: config.database.embeddedDir,
      ownSignals: true,
    });
    url = embedded.url;
  }
  let db: DataSource | undefined;
  try {
    db = await openDatabase({
      url,
      schema: config.database.schema,
      poolSize: config.database.poolSize,
      statementTimeoutMs: config.database.statementTimeoutMs,
      ssl: config.database.ssl,
    });
    const shouldSeed = config.seedSample ?? embedded !== undefined;
    if (shouldSeed && (await countItems(db)) === 0) {
      const counts = await seedSample(db, config, logger);
      logger.info(counts, 'loaded the shipped sample catalogue (simulated users)');
    }
    const services = await buildServices({ db, url, schema: config.database.schema, config, logger });
    const server = await createHttpServer(services, config, logger);
    await new Promise<void>((resolve) => server.http.listen(config.port, config.host, resolve));
    const port = (server.http.address() as AddressInfo).port;
    const appUrl = `http://localhost:${port}/graphql`;
    return {
      url: appUrl,
      services,
      server,
      stop: async () => {
        await server.apollo.stop();
        logger.info('HTTP drained');
        await services.close();
        logger.info('services closed');
        await db!.destroy();
        logger.info('database pool closed');
        await embedded?.stop();
      },
    };
  } catch (err) {
    await db?.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}
