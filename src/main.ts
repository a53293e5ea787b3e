/** Process entry: config -> database -> services -> HTTP server; SIGTERM/SIGINT stop it gracefully. */
import { startApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  if (config.clockOffsetDays !== 0)
    logger.warn(
      { days: config.clockOffsetDays },
      'CLOCK_OFFSET_DAYS is set: this process runs as if on another day (for tests only)',
    );
  const app = await startApp(config, logger);
  logger.info({ url: app.url }, `tailor is serving the subgraph at ${app.url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: draining in-flight requests');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      await app.stop();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`tailor failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
