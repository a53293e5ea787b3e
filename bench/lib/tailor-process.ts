/**
 * A real tailor process for load scripts: NODE_ENV=production, identity from gateway headers,
 * the sample data in a fresh schema of its own (or data a `prepare` step put there), on
 * DATABASE_URL or an embedded Postgres.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/data-source';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { projectRoot } from '../../src/util/paths';

export const GATEWAY_SECRET = 'bench-gateway-secret-0123456789abcdef';
export const SERVICE_HEADERS = {
  'content-type': 'application/json',
  'x-tailor-gateway-secret': GATEWAY_SECRET,
  'x-tailor-role': 'service',
};

export interface TailorProcess {
  base: string;
  url: string;
  databaseUrl: string;
  schema: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `nodeArgs` go to the child's node before the entry point, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/p']
 * to profile the server under load (the profile is written when the child exits on stop()).
 */
export async function startTailorProcess(
  schema: string,
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
  /** Called before the server starts, with the database it will use (e.g. to import data); the schema is then kept as it is. */
  prepare?: (databaseUrl: string) => Promise<void>,
): Promise<TailorProcess> {
  let databaseUrl = process.env.DATABASE_URL;
  const embedded = databaseUrl ? undefined : await startEmbeddedPostgres({ port: 54321 });
  databaseUrl ??= embedded!.url;
  if (prepare) await prepare(databaseUrl);
  else {
    const admin = await openDatabase({ url: databaseUrl, poolSize: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.destroy();
  }

  const port = 4100 + Math.floor(Math.random() * 800);
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(projectRoot(), 'src', 'main.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      SEED_SAMPLE: prepare ? 'false' : 'true',
      GATEWAY_SECRET,
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tailor exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error('tailor did not become ready');
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    url: `${base}/graphql`,
    databaseUrl,
    schema,
    child,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await embedded?.stop();
    },
  };
}
