/**
 * npm run bench:http: autocannon against a real tailor process on the sample data.
 * Scenarios: (a) { __typename }, (b) a user's 10 recommendations with item features, the
 * sample's 60 users in turn, (c) the same with personalised descriptions (warm cache), (d)
 * recordInteraction, (e) User.rank of 100 sample ids, (f) recordImpressions of 20 ids (issue 16).
 * Prints requests per second, p50/p99 latency and errors for each, the ratios to (a) measured in
 * the same run, and the SQL statements one request of each kind makes.
 *
 * The server runs as a child process (NODE_ENV=production, identity from gateway headers),
 * so the load generator does not share its event loop. Options: --duration=10 --connections=50,
 * --only=bc (just those scenarios, no table), --cpu-prof=DIR (V8 CPU profile of the server).
 * BENCH_SHOW_SQL=1 prints the statements counted for each scenario.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { makeViewer } from '../src/auth/viewer';
import { createContext } from '../src/context';
import { openDatabase } from '../src/db/data-source';
import { createLogger } from '../src/logger';
import { createHttpServer } from '../src/server';
import { buildServices } from '../src/services';
import { projectRoot } from '../src/util/paths';
import { GATEWAY_SECRET, SERVICE_HEADERS, startTailorProcess } from './lib/tailor-process';

const args = new Map(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, ''))
    .map((a) => [a.split('=', 1)[0], a.slice(a.indexOf('=') + 1)] as [string, string]),
);
const DURATION = Number(args.get('duration') ?? 10);
const CONNECTIONS = Number(args.get('connections') ?? 50);
const SCHEMA = 'bench_http';
/** The user whose requests the SQL count follows. */
const USER = 'sim-user-001';
/** --only=b runs just those scenarios (e.g. under --cpu-prof=DIR, which profiles the server process). */
const ONLY = new Set((args.get('only') ?? 'abcdef').split(''));
const SCENARIOS = 6;
const CPU_PROF = args.get('cpu-prof');
/**
 * The server's node starts with the flags `npm start` gives it (package.json), so the bench
 * measures the server as it is run; --node-args="..." replaces them (space-separated).
 */
function startFlags(): string[] {
  const start: string = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).scripts.start;
  return start.split(/\s+/).filter((a) => a.startsWith('--'));
}
const NODE_ARGS = (args.get('node-args') ?? startFlags().join(' ')).split(' ').filter(Boolean);

const RECOMMENDATIONS = `recommendations(first: 10) { score item { id title features { term weight } } }`;
/** (b) and (c) go round the sample's 60 simulated users, so no request is cheaper for repeating the one before. */
const USERS = Array.from({ length: 60 }, (_, i) => `sim-user-${String(i + 1).padStart(3, '0')}`);
const QUERIES = {
  a: () => ({ query: '{ __typename }' }),
  b: (u: string) => ({ query: `query ($u: ID!) { user(id: $u) { ${RECOMMENDATIONS} } }`, variables: { u } }),
  // The caller is a service, so the user the texts are for is named: without it every text is the
  // generic one, written from the item alone, which never touches the description cache.
  c: (u: string) => ({
    query: `query ($u: ID!) { user(id: $u) { recommendations(first: 10) { score item { id title features { term weight } personalisedDescription(userId: $u) { text highlights personalised } } } } }`,
    variables: { u },
  }),
};
/** (e) and (f): ids of the sample catalogue, a different window of them per request. */
const SAMPLE_IDS: string[] = readFileSync(join(projectRoot(), 'data', 'sample', 'items.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { id: string }).id);
const window = (i: number, n: number) =>
  Array.from({ length: n }, (_, k) => SAMPLE_IDS[(i * 7 + k) % SAMPLE_IDS.length]);
const RANK = (u: string, i: number) => ({
  query: `query ($u: ID!, $ids: [ID!]!) { user(id: $u) { rank(itemIds: $ids) { score item { id } } } }`,
  variables: { u, ids: window(i, 100) },
});
const IMPRESSIONS = (u: string, i: number) => ({
  query: `mutation ($u: ID!, $ids: [ID!]!) { recordImpressions(userId: $u, itemIds: $ids) { recorded } }`,
  variables: { u, ids: window(i, 20) },
});
const RECORD = (userId: string, key: string) => ({
  query: `mutation ($input: RecordInteractionInput!) { recordInteraction(input: $input) { replayed } }`,
  variables: { input: { userId, itemId: 'B00005N7NQ', kind: 'VIEW', idempotencyKey: key } },
});

function run(url: string, title: string, body: (i: number) => object): Promise<autocannon.Result> {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        title,
        connections: CONNECTIONS,
        duration: DURATION,
        method: 'POST',
        headers: SERVICE_HEADERS,
        requests: [{ setupRequest: (req: any) => ({ ...req, body: JSON.stringify(body(i++)) }) }],
      },
      (err, result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(result)),
    );
  });
}

/**
 * SQL statements one request of each kind sends, counted where they leave for Postgres (every
 * pg Client.query, whether TypeORM or anything else issued it, BEGIN and COMMIT included) and
 * only those issued in that request's own async context: the services' background work (catalogue
 * and model polls, the change feed's LISTEN connection) shares the process and the pool but is
 * not the request's. Each request runs twice and the second is counted, so what is measured is
 * the steady state the load test sees (warm description cache, popular items known).
 */
async function sqlPerRequest(url: string): Promise<Record<string, number>> {
  const scope = new AsyncLocalStorage<{ statements: string[] }>();
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with .apply(this) below
  const clientQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : first?.text;
    if (text !== undefined) scope.getStore()?.statements.push(text);
    return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof clientQuery;
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    DATABASE_SCHEMA: SCHEMA,
    LOG_LEVEL: 'silent',
    GATEWAY_SECRET,
  });
  const db = await openDatabase({ url, schema: SCHEMA, poolSize: config.database.poolSize });
  const services = await buildServices({ db, url, schema: SCHEMA, config, logger: createLogger('silent') });
  const server = await createHttpServer(services, config, createLogger('silent'));
  try {
    const once = async (q: { query: string; variables?: object }) => {
      const store = { statements: [] as string[] };
      const response = await scope.run(store, () =>
        server.apollo.executeOperation(q, { contextValue: createContext(services, makeViewer(null, true)) }),
      );
      if (response.body.kind !== 'single' || response.body.singleResult.errors)
        throw new Error(`SQL count: the request failed: ${JSON.stringify(response.body)}`);
      return store.statements;
    };
    const count = async (q: (run: number) => { query: string; variables?: object }) => {
      await once(q(0));
      const statements = await once(q(1));
      if (process.env.BENCH_SHOW_SQL)
        process.stdout.write(`${statements.map((t) => `  ${t.replace(/\s+/g, ' ').slice(0, 140)}`).join('\n')}\n`);
      return statements.length;
    };
    return {
      a: await count(() => QUERIES.a()),
      b: await count(() => QUERIES.b(USER)),
      c: await count(() => QUERIES.c(USER)),
      d: await count((run) => RECORD('bench-sql', `bench-sql-${Date.now()}-${run}`)),
      e: await count((run) => RANK(USER, run)),
      f: await count((run) => IMPRESSIONS(USER, run)),
    };
  } finally {
    pg.Client.prototype.query = clientQuery;
    await server.apollo.stop();
    await services.close();
    await db.destroy();
  }
}

/** Replaces the table between the markers of docs/bench-http.md (the analysis around it stays), or writes the file. */
function writeResults(table: string): void {
  const file = join(projectRoot(), 'docs', 'bench-http.md');
  const [start, end] = ['<!-- bench:http results -->', '<!-- /bench:http results -->'];
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = current.indexOf(start);
  const until = current.indexOf(end);
  const block = `${start}\n${table}\n${end}`;
  writeFileSync(
    file,
    at >= 0 && until > at
      ? current.slice(0, at) + block + current.slice(until + end.length)
      : `# HTTP benchmark\n\n${block}\n`,
  );
}

async function main() {
  const nodeArgs = [...NODE_ARGS, ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [])];
  const tailor = await startTailorProcess(SCHEMA, { RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000000' }, nodeArgs);
  const databaseUrl = tailor.databaseUrl;
  try {
    const url = tailor.url;
    // Warm the description cache for (c), and the JIT for everything.
    const post = async (body: object) =>
      (
        await fetch(url, { method: 'POST', headers: SERVICE_HEADERS, body: JSON.stringify(body) })
      ).json() as Promise<any>;
    for (let k = 0; k < 3; k++) await post(QUERIES.a());
    let personalised = 0;
    for (const u of USERS) {
      await post(QUERIES.b(u));
      const warm = await post(QUERIES.c(u));
      if (warm.errors) throw new Error(`(c) failed for ${u}: ${JSON.stringify(warm.errors).slice(0, 300)}`);
      personalised += warm.data.user.recommendations.filter(
        (r: any) => r.item.personalisedDescription.personalised,
      ).length;
    }
    if (personalised === 0) throw new Error('(c) returned no personalised description, so it would measure nothing');

    const scenarios: Record<string, [string, (i: number) => object]> = {
      a: ['(a) { __typename }', () => QUERIES.a()],
      b: ['(b) 10 recommendations with features', (i) => QUERIES.b(USERS[i % USERS.length])],
      c: ['(c) (b) + personalised descriptions, warm', (i) => QUERIES.c(USERS[i % USERS.length])],
      d: ['(d) recordInteraction', (i) => RECORD(`bench-user-${i % 2000}`, `bench-${Date.now()}-${i}`)],
      e: ['(e) rank of 100 ids', (i) => RANK(USERS[i % USERS.length], i)],
      f: ['(f) recordImpressions of 20 ids', (i) => IMPRESSIONS(`bench-user-${i % 2000}`, i)],
    };
    const results: Record<string, autocannon.Result> = {};
    for (const [k, [title, body]] of Object.entries(scenarios))
      if (ONLY.has(k)) results[k] = await run(url, title, body);
    if (!results.a) {
      for (const [k, r] of Object.entries(results))
        process.stdout.write(
          `${k}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}\n`,
        );
      return;
    }
    const sql = await sqlPerRequest(databaseUrl);

    const labels: Record<string, string> = {
      a: '(a) `{ __typename }`',
      b: '(b) 10 recommendations + features',
      c: '(c) (b) + personalised descriptions (warm)',
      d: '(d) recordInteraction',
      e: '(e) `rank` of 100 ids',
      f: '(f) `recordImpressions` of 20 ids',
    };
    const lines = [
      `| scenario | req/s | ratio to (a) | p50 ms | p99 ms | errors + non-2xx | SQL per request |`,
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
      ...Object.entries(results).map(
        ([k, r]) =>
          `| ${labels[k]} | ${r.requests.average.toFixed(0)} | ${(r.requests.average / results.a.requests.average).toFixed(2)} | ${r.latency.p50} | ${r.latency.p99} | ${r.errors + r.non2xx} | ${sql[k]} |`,
      ),
    ];
    const flags = NODE_ARGS.length > 0 ? `, server node ${NODE_ARGS.join(' ')}` : '';
    const header = `npm run bench:http (${CONNECTIONS} connections, ${DURATION} s each, server NODE_ENV=production in a child process${flags}, sample data; ${new Date().toISOString().slice(0, 10)})`;
    const table = [header, '', ...lines].join('\n');
    process.stdout.write(`\n${table}\n`);
    if (ONLY.size === SCENARIOS) writeResults(table);
  } finally {
    await tailor.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
