/**
 * npm run bench:http: autocannon against a real tailor process, by default on the real Beauty
 * data (imported once into its own schema, bench/lib/beauty.ts), with --sample on the shipped
 * sample. Scenarios: (a) { __typename }; (b) COSINE, (j) JACCARD and (h) HYBRID: a user's 10
 * recommendations with item features, going round 5,000 users (--users=N; the sample's 60);
 * (c) HYBRID with personalised descriptions (warm cache; COSINE on the sample); (s) an item's
 * 10 similarItems by HYBRID, going round the items; (d) recordInteraction, a different item each
 * time; (e) User.rank of 100 ids and (f) recordImpressions of 20 ids (issue 16). Prints requests
 * per second, p50/p99 latency and errors for each, each ratio to (a) measured in the same run,
 * the SQL statements one request of each kind makes, and the machine's load average before and
 * after.
 *
 * The server runs as a child process (NODE_ENV=production, identity from gateway headers),
 * so the load generator does not share its event loop. Options: --duration=10 --connections=50,
 * --only=bh (just those scenarios, no table), --cpu-prof=DIR (V8 CPU profile of the server).
 * BENCH_SHOW_SQL=1 prints the statements counted for each scenario.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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
import { BEAUTY_SCHEMA, beautyUsers, prepareBeauty } from './lib/beauty';
import { GATEWAY_SECRET, SERVICE_HEADERS, startTailorProcess } from './lib/tailor-process';

const args = new Map(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, ''))
    .map((a) => [a.split('=', 1)[0], a.slice(a.indexOf('=') + 1)] as [string, string]),
);
const DURATION = Number(args.get('duration') ?? 10);
const CONNECTIONS = Number(args.get('connections') ?? 50);
/** --sample: the shipped sample (300 items, 60 simulated users), a quick run; default the real Beauty data. */
const SAMPLE = args.has('sample');
const SCHEMA = SAMPLE ? 'bench_http' : BEAUTY_SCHEMA;
/** The user and item whose requests the SQL count follows. */
const USER = SAMPLE ? 'sim-user-001' : 'u1';
const ITEM = SAMPLE ? 'B00005N7NQ' : 'i1';
/** Requests go round this many distinct users, so no request is cheaper for repeating the one before. */
const USERS = SAMPLE
  ? Array.from({ length: 60 }, (_, i) => `sim-user-${String(i + 1).padStart(3, '0')}`)
  : beautyUsers(Number(args.get('users') ?? 5000));
const ITEMS = SAMPLE ? ['B00005N7NQ'] : Array.from({ length: 12_101 }, (_, i) => `i${i + 1}`);
const ALL = SAMPLE ? 'abcdef' : 'abjhcsdef';
/** --only=bh runs just those scenarios (e.g. under --cpu-prof=DIR, which profiles the server process). */
const ONLY = new Set((args.get('only') ?? ALL).split(''));
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

const recommendations = (similarity: string) =>
  `recommendations(similarity: ${similarity}, first: 10) { score item { id title features { term weight } } }`;
const byUser = (fields: string) => (u: string) => ({
  query: `query ($u: ID!) { user(id: $u) { ${fields} } }`,
  variables: { u },
});
const QUERIES: Record<string, (key: string) => { query: string; variables?: object }> = {
  a: () => ({ query: '{ __typename }' }),
  b: byUser(recommendations('COSINE')),
  j: byUser(recommendations('JACCARD')),
  h: byUser(recommendations('HYBRID')),
  // The caller is a service, so the user the texts are for is named: without it every text is the
  // generic one, written from the item alone, which never touches the description cache.
  c: (u) => ({
    query: `query ($u: ID!) { user(id: $u) { recommendations(similarity: ${SAMPLE ? 'COSINE' : 'HYBRID'}, first: 10) { score item { id title features { term weight } personalisedDescription(userId: $u) { text highlights personalised } } } } }`,
    variables: { u },
  }),
  s: (i) => ({
    query: `query ($i: ID!) { item(id: $i) { similarItems(similarity: HYBRID, first: 10) { score item { id title features { term weight } } } } }`,
    variables: { i },
  }),
};
/** (e) and (f): ids of the catalogue, a different window of them per request. */
const CATALOGUE_IDS: string[] = SAMPLE
  ? readFileSync(join(projectRoot(), 'data', 'sample', 'items.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { id: string }).id)
  : Array.from({ length: 12_101 }, (_, i) => `i${i + 1}`);
const window = (i: number, n: number) =>
  Array.from({ length: n }, (_, k) => CATALOGUE_IDS[(i * 7 + k) % CATALOGUE_IDS.length]);
const RANK = (u: string, i: number) => ({
  query: `query ($u: ID!, $ids: [ID!]!) { user(id: $u) { rank(itemIds: $ids) { score item { id } } } }`,
  variables: { u, ids: window(i, 100) },
});
const IMPRESSIONS = (u: string, i: number) => ({
  query: `mutation ($u: ID!, $ids: [ID!]!) { recordImpressions(userId: $u, itemIds: $ids) { recorded } }`,
  variables: { u, ids: window(i, 20) },
});
/** A VIEW of a different item each time (counted: profile and co-occurrence change), by users who cycle. */
const RECORD = (userId: string, key: string, i: number) => ({
  query: `mutation ($input: RecordInteractionInput!) { recordInteraction(input: $input) { replayed } }`,
  variables: { input: { userId, itemId: ITEMS[(i * 7919) % ITEMS.length], kind: 'VIEW', idempotencyKey: key } },
});

function run(
  url: string,
  title: string,
  body: (i: number) => object,
  options: { amount?: number } = {},
): Promise<autocannon.Result> {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        title,
        connections: options.amount ? 8 : CONNECTIONS,
        ...(options.amount ? { amount: options.amount } : { duration: DURATION }),
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
    const out: Record<string, number> = {};
    for (const k of ALL) {
      if (k === 'd') out.d = await count((run) => RECORD('bench-sql', `bench-sql-${Date.now()}-${run}`, run));
      else if (k === 'e') out.e = await count((run) => RANK(USER, run));
      else if (k === 'f') out.f = await count((run) => IMPRESSIONS(USER, run));
      else out[k] = await count(() => QUERIES[k](k === 's' ? ITEM : USER));
    }
    return out;
  } finally {
    pg.Client.prototype.query = clientQuery;
    await server.apollo.stop();
    await services.close();
    await db.destroy();
  }
}

/** Replaces the table between the markers of docs/bench-http.md (the analysis around it stays), or adds it first. */
function writeResults(table: string, data: 'sample' | 'beauty'): void {
  const file = join(projectRoot(), 'docs', 'bench-http.md');
  const [start, end] = [`<!-- bench:http ${data} results -->`, `<!-- /bench:http ${data} results -->`];
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = current.indexOf(start);
  const until = current.indexOf(end);
  const block = `${start}\n${table}\n${end}`;
  writeFileSync(
    file,
    at >= 0 && until > at
      ? current.slice(0, at) + block + current.slice(until + end.length)
      : current
        ? `${block}\n\n${current}` // markers missing: the new table goes first, nothing is lost
        : `# HTTP benchmark\n\n${block}\n`,
  );
}

async function main() {
  const nodeArgs = [...NODE_ARGS, ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [])];
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const tailor = await startTailorProcess(
    SCHEMA,
    { RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000000' },
    nodeArgs,
    SAMPLE ? undefined : (databaseUrl) => prepareBeauty(databaseUrl, log),
  );
  const databaseUrl = tailor.databaseUrl;
  try {
    const url = tailor.url;
    const post = async (body: object) =>
      (
        await fetch(url, { method: 'POST', headers: SERVICE_HEADERS, body: JSON.stringify(body) })
      ).json() as Promise<any>;
    for (let k = 0; k < 3; k++) await post(QUERIES.a(''));
    // Warm the description cache for (c) over every user it will ask for, and the JIT for everything.
    const started = Date.now();
    const warm = await run(url, 'warm-up', (i) => QUERIES.c(USERS[i % USERS.length]), { amount: USERS.length });
    if (warm.errors + warm.non2xx > 0) throw new Error(`warm-up: ${warm.errors + warm.non2xx} errors`);
    let personalised = 0;
    for (const u of USERS.slice(0, 20)) {
      const res = await post(QUERIES.c(u));
      if (res.errors) throw new Error(`(c) failed for ${u}: ${JSON.stringify(res.errors).slice(0, 300)}`);
      personalised += res.data.user.recommendations.filter(
        (r: any) => r.item.personalisedDescription.personalised,
      ).length;
    }
    if (personalised === 0) throw new Error('(c) returned no personalised description, so it would measure nothing');
    log(`warm-up: (c) for ${USERS.length} users in ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const user = (i: number) => USERS[i % USERS.length];
    const scenarios: Record<string, [string, (i: number) => object]> = {
      a: ['(a) `{ __typename }`', () => QUERIES.a('')],
      b: ['(b) COSINE: 10 recommendations + features', (i) => QUERIES.b(user(i))],
      j: ['(j) JACCARD: 10 recommendations + features', (i) => QUERIES.j(user(i))],
      h: ['(h) HYBRID: 10 recommendations + features', (i) => QUERIES.h(user(i))],
      c: [`(c) ${SAMPLE ? '(b)' : '(h)'} + personalised descriptions (warm)`, (i) => QUERIES.c(user(i))],
      s: ['(s) similarItems HYBRID: 10 + features', (i) => QUERIES.s(ITEMS[(i * 31) % ITEMS.length])],
      d: ['(d) recordInteraction', (i) => RECORD(`bench-user-${i % USERS.length}`, `bench-${Date.now()}-${i}`, i)],
      e: ['(e) `rank` of 100 ids', (i) => RANK(user(i), i)],
      f: ['(f) `recordImpressions` of 20 ids', (i) => IMPRESSIONS(`bench-user-${i % USERS.length}`, i)],
    };
    const load = os.loadavg()[0].toFixed(1);
    const results: Record<string, autocannon.Result> = {};
    for (const k of ALL) if (ONLY.has(k)) results[k] = await run(url, scenarios[k][0], scenarios[k][1]);
    const loadAfter = os.loadavg()[0].toFixed(1);
    if (!results.a) {
      for (const [k, r] of Object.entries(results))
        log(
          `${k}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}`,
        );
      return;
    }
    const sql = await sqlPerRequest(databaseUrl);
    const lines = [
      `| scenario | req/s | ratio to (a) | p50 ms | p99 ms | errors + non-2xx | SQL per request |`,
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
      ...Object.entries(results).map(
        ([k, r]) =>
          `| ${scenarios[k][0]} | ${r.requests.average.toFixed(0)} | ${(r.requests.average / results.a.requests.average).toFixed(2)} | ${r.latency.p50} | ${r.latency.p99} | ${r.errors + r.non2xx} | ${sql[k]} |`,
      ),
    ];
    if (results.b && results.h)
      lines.push('', `HYBRID p50 / COSINE p50: ${(results.h.latency.p50 / results.b.latency.p50).toFixed(2)}`);
    const flags = NODE_ARGS.length > 0 ? `, server node ${NODE_ARGS.join(' ')}` : '';
    const data = SAMPLE
      ? 'sample data (300 items, 60 users)'
      : `Beauty data (12,101 items, 22,363 users, 198,502 interactions), ${USERS.length} users in turn`;
    const header = `npm run bench:http${SAMPLE ? ' -- --sample' : ''} (${CONNECTIONS} connections, ${DURATION} s each, server NODE_ENV=production in a child process${flags}, ${data}; ${new Date().toISOString().slice(0, 16)}Z, load average ${load} before, ${loadAfter} after)`;
    const table = [header, '', ...lines].join('\n');
    log(`\n${table}`);
    if (ONLY.size === ALL.length) writeResults(table, SAMPLE ? 'sample' : 'beauty');
  } finally {
    await tailor.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
