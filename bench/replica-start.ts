/**
 * `npx tsx bench/replica-start.ts [--items 100000]`: how long a new tailor replica takes from
 * spawn to /ready on a large catalogue, and how much of that is the recommendation index build.
 * Inserts N synthetic items (tags, categories, brand drawn from skewed vocabularies) into a
 * schema of its own on DATABASE_URL (else the embedded Postgres), starts one replica, then a
 * second beside it (the first keeps serving), and prints the figures as JSON.
 *
 * Also exports spawnReplica, which test/e2e/replicas.test.ts uses to run real processes.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { openDatabase } from '../src/db/data-source';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { installBundledModel } from '../src/generation/versions';
import { projectRoot } from '../src/util/paths';

export interface ReplicaOptions {
  /** Unset: the process starts its own embedded PostgreSQL (development mode; pass NODE_ENV in env). */
  databaseUrl?: string;
  schema: string;
  env?: Record<string, string | undefined>;
  /** Give up after this long (ms). */
  timeoutMs?: number;
}

export interface Replica {
  name: string;
  /** The /graphql URL. */
  url: string;
  base: string;
  child: ChildProcess;
  /** Spawn to the first 200 from /ready. */
  readyMs: number;
  /** The process's own figure for building the recommendation index from Postgres. */
  indexBuildMs: number | undefined;
  /** Every JSON log line the process wrote so far. */
  logs: Record<string, unknown>[];
  /** SIGTERM, then SIGKILL after graceMs; true when the process exited 0 by itself. */
  stop(graceMs?: number): Promise<boolean>;
}

let replicas = 0;

/**
 * Starts `node --import tsx src/main.ts` on a port of the OS's choosing (PORT=0, read back from
 * the start-up log) in production mode, with identity from gateway headers only.
 */
export async function spawnReplica(options: ReplicaOptions): Promise<Replica> {
  const name = `replica-${++replicas}`;
  const started = performance.now();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    DATABASE_SCHEMA: options.schema,
    SEED_SAMPLE: 'false',
    LOG_LEVEL: 'info',
    ...options.env,
  };
  // An undefined value (or no databaseUrl) leaves the variable out, as on a machine without it.
  if (options.databaseUrl === undefined) delete env.DATABASE_URL;
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot(), 'src', 'main.ts')], {
    cwd: projectRoot(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let buffered = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (typeof entry.url === 'string' && /serving the subgraph/.test(String(entry.msg)))
            resolve(entry.url.replace('localhost', '127.0.0.1'));
        } catch {
          /* not a log line */
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before serving: ${stderr}`)));
    setTimeout(
      () => reject(new Error(`${name} did not start within ${options.timeoutMs ?? 120_000} ms: ${stderr}`)),
      options.timeoutMs ?? 120_000,
    ).unref();
  });
  let url: string;
  try {
    url = await listening;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const base = url.replace(/\/graphql$/, '');
  while (
    !(await fetch(`${base}/ready`).then(
      (r) => r.ok,
      () => false,
    ))
  )
    await new Promise((r) => setTimeout(r, 20));
  const readyMs = performance.now() - started;
  const built = logs.find((l) => l.msg === 'recommendation index built');
  return {
    name,
    url,
    base,
    child,
    readyMs,
    indexBuildMs: typeof built?.ms === 'number' ? built.ms : undefined,
    logs,
    stop: async (graceMs = 35_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return true;
      const exited = new Promise<boolean>((r) => child.once('exit', (code) => r(code === 0)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const clean = await exited;
      clearTimeout(timer);
      return clean;
    },
  };
}

/** N items over skewed vocabularies: a few very common terms, a long tail of rare ones. */
async function insertSyntheticItems(db: Awaited<ReturnType<typeof openDatabase>>, n: number): Promise<void> {
  const batch = 20_000;
  for (let from = 1; from <= n; from += batch) {
    const to = Math.min(n, from + batch - 1);
    await db.query(
      `INSERT INTO items (id, title, brand, categories, tags)
       SELECT 'syn-' || lpad(g::text, 7, '0'),
              'Synthetic item ' || g,
              'publisher ' || ((g * 7919) % 800),
              ARRAY['section ' || (g % 40), 'section ' || (g % 40) || ' shelf ' || (g % 9)],
              ARRAY['topic ' || floor(power(((g * 2654435761) % 1000003) / 1000003.0, 3) * 5000)::int,
                    'topic ' || floor(power(((g * 40503) % 999983) / 999983.0, 2) * 5000)::int,
                    'topic ' || ((g * 31) % 5000),
                    'theme ' || (g % 300)]
         FROM generate_series($1::bigint, $2::bigint) AS g
       ON CONFLICT (id) DO NOTHING`,
      [from, to],
    );
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--items');
  const n = at >= 0 ? Number(args[at + 1]) : 100_000;
  const schema = 'bench_replica_start';
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ port: 54322 });
  const databaseUrl = process.env.DATABASE_URL ?? embedded!.url;
  const admin = await openDatabase({ url: databaseUrl, poolSize: 1 });
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.destroy();
  const db = await openDatabase({ url: databaseUrl, schema, poolSize: 2 });
  const result: Record<string, unknown> = { items: n };
  const started: Replica[] = [];
  try {
    const t = performance.now();
    await insertSyntheticItems(db, n);
    result.insertMs = Math.round(performance.now() - t);
    // The bundled description model, so model loading is part of the start as in production.
    result.modelVersion = await installBundledModel(db);
    const env = { GATEWAY_SECRET: 'bench-replica-gateway-secret-0123456789', LOG_LEVEL: 'info' };
    for (const label of ['first', 'second (beside the first)']) {
      const r = await spawnReplica({ databaseUrl, schema, env, timeoutMs: 300_000 });
      started.push(r);
      const probe = await fetch(`${r.base}/ready`).then((res) => res.json() as Promise<{ items: number }>);
      result[label] = {
        readyMs: Math.round(r.readyMs),
        indexBuildMs: r.indexBuildMs,
        otherStartMs: r.indexBuildMs === undefined ? undefined : Math.round(r.readyMs - r.indexBuildMs),
        itemsIndexed: probe.items,
        rssMb: Math.round(
          Number(
            execFileSync('ps', ['-o', 'rss=', '-p', String(r.child.pid)])
              .toString()
              .trim(),
          ) / 1024,
        ),
      };
    }
    // The first replica kept serving while the second started.
    result.firstStillReady = (await fetch(`${started[0].base}/ready`)).ok;
  } finally {
    await Promise.all(started.map((r) => r.stop(3_000)));
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.destroy();
    await embedded?.stop();
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
