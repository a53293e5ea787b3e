/**
 * `npm run bench:generate`: on this machine, what one personalised description costs (writing
 * only, with the item's segmentation cold and cached; and as served by the description service
 * with its Postgres cache, a miss and a hit), how long writing 50 holds the event loop, and a real
 * GraphQL request for a user's 10 recommendations with their descriptions. Prints the tables and
 * writes them to docs/bench-generate.md. Runs in scratch schemas of the configured database.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { flags, withDatabase } from '../src/cli/database';
import { loadConfig } from '../src/config';
import { makeViewer } from '../src/auth/viewer';
import { createContext } from '../src/context';
import { openDatabase } from '../src/db/data-source';
import { upsertItems } from '../src/db/repositories/items';
import { prepare } from '../src/generation/prepare';
import { readItems } from '../src/generation/data';
import { DescriptionRequest, DescriptionService } from '../src/generation/service';
import { itemTerms } from '../src/generation/train/episodes';
import { bundledModelDir, importVersion, saveVersion, toCopyModel } from '../src/generation/versions';
import { CopyModel, UNTRAINED, write } from '../src/generation/writer';
import { seedSample } from '../src/ingest/seed';
import { createLogger } from '../src/logger';
import { createHttpServer } from '../src/server';
import { buildServices } from '../src/services';
import { projectRoot } from '../src/util/paths';

const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/** The longest stall of the event loop while `fn` runs, in ms (beyond the 1 ms sampling interval). */
async function eventLoopStall(fn: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await new Promise((resolve) => setTimeout(resolve, 2));
  await fn();
  await new Promise((resolve) => setTimeout(resolve, 2));
  h.disable();
  return h.max / 1e6;
}

const RECOMMENDED = (withText: boolean) =>
  `query ($u: ID!) { user(id: $u) { recommendations(first: 10) { score item { id title features { term weight }${withText ? ' personalisedDescription { text claims { text source ref } highlights personalised }' : ''} } } } }`;

async function main(): Promise<void> {
  const args = flags(process.argv.slice(2));
  const file = args.get('items') ?? join(projectRoot(), '.data', 'converted', 'magazines', 'items.jsonl');
  const items = readItems(file)
    .filter((i) => i.description)
    .slice(0, 600);
  const trained = toCopyModel(importVersion(bundledModelDir()));
  const requestOf = (i: number, maxWords = 60): DescriptionRequest => {
    const item = items[i];
    return { item, focus: itemTerms(prepare(item)).slice(0, 2), maxWords };
  };
  const lines: string[] = [
    '| writing one description (no database) | p50 ms | p90 ms | max ms | texts |',
    '|---|---:|---:|---:|---:|',
  ];
  // The compromise tagger and the JIT warm up on items not measured.
  for (let i = 500; i < 600; i++) write(prepare(items[i]), requestOf(i), trained);
  for (const [name, model, range] of [
    ['untrained policy, item seen for the first time (segmentation and tagging included)', UNTRAINED, [0, 200]],
    ['trained policy + re-ranking, item seen for the first time', trained, [200, 400]],
  ] as [string, CopyModel, [number, number]][]) {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = range[0]; i < range[1]; i++) {
      const r = requestOf(i);
      let t = process.hrtime.bigint();
      const p = prepare(r.item);
      write(p, r, model);
      cold.push(since(t));
      // Another reader of the same item: its segmentation is cached, as the service caches it.
      t = process.hrtime.bigint();
      write(p, { ...r, focus: [...r.focus].reverse() }, model);
      warm.push(since(t));
    }
    lines.push(
      `| ${name} | ${pct(cold, 50).toFixed(2)} | ${pct(cold, 90).toFixed(2)} | ${Math.max(...cold).toFixed(1)} | ${cold.length} |`,
    );
    lines.push(
      `| the same, another reader of an item already segmented | ${pct(warm, 50).toFixed(2)} | ${pct(warm, 90).toFixed(2)} | ${Math.max(...warm).toFixed(1)} | ${warm.length} |`,
    );
  }

  const served: string[] = [
    '| served by DescriptionService (trained version, Postgres cache) | p50 ms | p90 ms |',
    '|---|---:|---:|',
  ];
  const stalls: string[] = [
    '| event loop while 50 descriptions are written in one call | longest stall ms | total ms |',
    '|---|---:|---:|',
  ];
  let graphql: string[] = [];
  await withDatabase(async (_main, _config, url) => {
    const schema = `bench_gen_${randomBytes(4).toString('hex')}`;
    const db = await openDatabase({ url, schema });
    try {
      await upsertItems(
        db,
        items.map((i) => ({ ...i, attributes: i.attributes ?? {} })),
      );
      await saveVersion(db, importVersion(bundledModelDir()));
      const service = await DescriptionService.create({
        dataSource: db,
        logger: pino({ level: 'silent' }),
        pollIntervalMs: 0,
      });
      const miss: number[] = [];
      const hit: number[] = [];
      for (let i = 0; i < 200; i++) {
        let t = process.hrtime.bigint();
        await service.describe([requestOf(i, 50)]);
        miss.push(since(t));
        t = process.hrtime.bigint();
        await service.describe([requestOf(i, 50)]);
        hit.push(since(t));
      }
      served.push(
        `| one description at a time, not cached yet (1 lookup + writing + 1 insert; the item new to the service) | ${pct(miss, 50).toFixed(2)} | ${pct(miss, 90).toFixed(2)} |`,
      );
      served.push(`| one description, cached (1 lookup) | ${pct(hit, 50).toFixed(2)} | ${pct(hit, 90).toFixed(2)} |`);
      for (const [label, from] of [
        ['50 items never seen by this process (segmentation included), trained version', 400],
        ['50 items already segmented, other readers, trained version', 0],
      ] as [string, number][]) {
        const batch = Array.from({ length: 50 }, (_, k) => ({ ...requestOf(from + k, 45) }));
        const t = process.hrtime.bigint();
        const stall = await eventLoopStall(() => service.describe(batch));
        stalls.push(`| ${label} | ${stall.toFixed(1)} | ${since(t).toFixed(0)} |`);
      }
      await service.close();
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
    }
    graphql = await graphqlRequests(url);
  });
  const table = [
    `npm run bench:generate (${new Date().toISOString().slice(0, 10)}; ${file.replace(`${projectRoot()}/`, '')}; model ${trained.version}; budget 60 words (45-50 in the service rows); run through tsx on a 2-CPU machine shared with other work)`,
    '',
    ...lines,
    '',
    ...served,
    '',
    ...stalls,
    '',
    ...graphql,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  writeFileSync(join(projectRoot(), 'docs', 'bench-generate.md'), `# Description generation benchmark\n\n${table}\n`);
}

/** A GraphQL request as the storefront sends it, through the real services and Apollo Server, on the sample data. */
async function graphqlRequests(url: string): Promise<string[]> {
  const schema = `bench_gen_gql_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, DATABASE_SCHEMA: schema, LOG_LEVEL: 'silent' });
  const logger = createLogger('silent');
  const db = await openDatabase({ url, schema, poolSize: 5 });
  try {
    await seedSample(db, config, logger);
    const services = await buildServices({ db, url, schema, config, logger });
    const server = await createHttpServer(services, config, logger);
    try {
      await services.descriptions.model.reload();
      const user = 'sim-user-001';
      const ask = async (withText: boolean) => {
        const res = await server.apollo.executeOperation(
          { query: RECOMMENDED(withText), variables: { u: user } },
          { contextValue: createContext(services, makeViewer(user, false)) },
        );
        if (res.body.kind !== 'single' || res.body.singleResult.errors)
          throw new Error(`GraphQL error: ${JSON.stringify(res.body)}`);
      };
      const median = async (runs: number, fn: () => Promise<unknown>, before?: () => Promise<unknown>) => {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          await before?.();
          const t = process.hrtime.bigint();
          await fn();
          times.push(since(t));
        }
        return pct(times, 50);
      };
      const clearCache = () => db.query(`DELETE FROM generated_descriptions`);
      for (let i = 0; i < 3; i++) await ask(true);
      const without = await median(5, () => ask(false));
      const cold = await median(5, () => ask(true), clearCache);
      const warm = await median(5, () => ask(true));
      await clearCache();
      const stall = await eventLoopStall(() => ask(true));
      return [
        `| GraphQL request as ${user} (Apollo executeOperation, real services and Postgres): 10 recommendations | ms |`,
        '|---|---:|',
        `| recommendations with features, no descriptions | ${without.toFixed(1)} |`,
        `| + descriptions with claims, not cached (cache emptied before each run) | ${cold.toFixed(1)} |`,
        `| + descriptions with claims, cached | ${warm.toFixed(1)} |`,
        `| longest event-loop stall during an uncached request | ${stall.toFixed(1)} |`,
      ];
    } finally {
      await server.apollo.stop();
      await services.close();
    }
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.destroy();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
