/**
 * npm run bench:http: autocannon against a real tailor process on the sample data.
 * Scenarios: (a) { __typename }, (b) a user's 10 recommendations with item features, (c) the
 * same with personalised descriptions (warm cache), (d) recordInteraction. Prints requests per
 * second, p50/p99 latency and errors for each, the ratios of (b), (c), (d) to (a) measured in
 * the same run, and the SQL statements one request of each kind makes.
 *
 * The server runs as a child process (NODE_ENV=production, identity from gateway headers),
 * so the load generator does not share its event loop.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config';
import { createContext, makeViewer } from '../src/context';
import { openDatabase } from '../src/db/data-source';
import { createLogger } from '../src/logger';
import { createHttpServer } from '../src/server';
import { buildServices } from '../src/services';
import { projectRoot } from '../src/util/paths';
import { SERVICE_HEADERS, startTailorProcess } from './lib/tailor-process';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const DURATION = Number(args.get('duration') ?? 10);
const CONNECTIONS = Number(args.get('connections') ?? 50);
const SCHEMA = 'bench_http';
const USER = 'sim-user-001';

const QUERIES = {
  a: { query: '{ __typename }' },
  b: { query: `query ($u: ID!) { user(id: $u) { recommendations(first: 10) { score item { id title features { term weight } } } } }`, variables: { u: USER } },
  c: {
    query: `query ($u: ID!) { user(id: $u) { recommendations(first: 10) { score item { id title features { term weight } personalisedDescription { text highlights } } } } }`,
    variables: { u: USER },
  },
};

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
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function sqlPerRequest(url: string): Promise<Record<string, number>> {
  const queries: string[] = [];
  const db = await openDatabase({ url, schema: SCHEMA, poolSize: 2, onQuery: (q) => queries.push(q) });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, DATABASE_SCHEMA: SCHEMA, LOG_LEVEL: 'silent' });
  const services = await buildServices({ db, url, schema: SCHEMA, config, logger: createLogger('silent') });
  const server = await createHttpServer(services, config, createLogger('silent'));
  const count = async (q: { query: string; variables?: object }) => {
    await server.apollo.executeOperation(q, { contextValue: createContext(services, makeViewer(null, true)) });
    queries.length = 0;
    await server.apollo.executeOperation(q, { contextValue: createContext(services, makeViewer(null, true)) });
    return queries.length;
  };
  const result = {
    a: await count(QUERIES.a),
    b: await count(QUERIES.b),
    c: await count(QUERIES.c),
    d: await count({ query: `mutation { recordInteraction(input: { userId: "bench-sql", itemId: "B00005N7NQ", kind: VIEW }) { replayed } }` }),
  };
  await server.apollo.stop();
  await services.close();
  await db.destroy();
  return result;
}

async function main() {
  const tailor = await startTailorProcess(SCHEMA, { RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000000' });
  const databaseUrl = tailor.databaseUrl;
  try {
    const url = tailor.url;
    // Warm the description cache for (c), and the JIT for everything.
    for (let k = 0; k < 3; k++) for (const q of Object.values(QUERIES)) await fetch(url, { method: 'POST', headers: SERVICE_HEADERS, body: JSON.stringify(q) });

    const results: Record<string, autocannon.Result> = {};
    results.a = await run(url, '(a) { __typename }', () => QUERIES.a);
    results.b = await run(url, '(b) 10 recommendations with features', () => QUERIES.b);
    results.c = await run(url, '(c) (b) + personalised descriptions, warm', () => QUERIES.c);
    results.d = await run(url, '(d) recordInteraction', (i) => ({
      query: `mutation ($input: RecordInteractionInput!) { recordInteraction(input: $input) { replayed } }`,
      variables: { input: { userId: `bench-user-${i % 2000}`, itemId: 'B00005N7NQ', kind: 'VIEW', idempotencyKey: `bench-${Date.now()}-${i}` } },
    }));
    const sql = await sqlPerRequest(databaseUrl);

    const labels: Record<string, string> = {
      a: '(a) `{ __typename }`',
      b: '(b) 10 recommendations + features',
      c: '(c) (b) + personalised descriptions (warm)',
      d: '(d) recordInteraction',
    };
    const lines = [
      `| scenario | req/s | ratio to (a) | p50 ms | p99 ms | errors + non-2xx | SQL per request |`,
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
      ...Object.entries(results).map(([k, r]) =>
        `| ${labels[k]} | ${r.requests.average.toFixed(0)} | ${(r.requests.average / results.a.requests.average).toFixed(2)} | ${r.latency.p50} | ${r.latency.p99} | ${r.errors + r.non2xx} | ${sql[k]} |`,
      ),
    ];
    const header = `npm run bench:http (${CONNECTIONS} connections, ${DURATION} s each, server NODE_ENV=production in a child process, sample data; ${new Date().toISOString().slice(0, 10)})`;
    const table = [header, '', ...lines].join('\n');
    process.stdout.write(`\n${table}\n`);
    writeFileSync(join(projectRoot(), 'docs', 'bench-http.md'), `# HTTP benchmark\n\n${table}\n`);
  } finally {
    await tailor.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
