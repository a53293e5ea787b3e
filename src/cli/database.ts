/**
 * Opens the configured database for a command (the embedded one when DATABASE_URL is unset),
 * with the configured pool size and SSL. Not the statement timeout: that bounds what a request
 * may cost, while commands run maintenance statements (an import's index builds, a co-occurrence
 * rebuild) that take seconds by design.
 */
import type { DataSource } from 'typeorm';
import { Config, loadConfig } from '../config';
import { openDatabase } from '../db/data-source';
import { startEmbeddedPostgres } from '../db/embedded';

export async function withDatabase<T>(fn: (db: DataSource, config: Config, url: string) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres({ port: config.database.embeddedPort, dir: config.database.embeddedDir });
  const url = config.database.url ?? embedded!.url;
  const db = await openDatabase({
    url,
    schema: config.database.schema,
    poolSize: config.database.poolSize,
    ssl: config.database.ssl,
  });
  try {
    return await fn(db, config, url);
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

/** `--name value` pairs from argv. */
export function flags(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.set(a.slice(2), argv[++i]);
    else out.set(a.slice(2), 'true');
  }
  return out;
}
