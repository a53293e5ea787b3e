/**
 * `npm run bench:generate`: on this machine, the cost of a description one at a time versus
 * batched (10 and 50 items per model call), how long generation holds the event loop, a cached
 * lookup, and a real GraphQL request for a user's 10 recommendations with their descriptions,
 * cold (model) and warm (cache). Prints the table and writes it to docs/bench-generate.md.
 * Runs in scratch schemas of the configured database, dropped at the end.
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
import { tensorflow } from '../src/generation/backend';
import { readItems, defaultItemsFile } from '../src/generation/data';
import { DEFAULT_DECODE, generate } from '../src/generation/decode';
import { DescriptionService, ItemData } from '../src/generation/service';
import { asBundle, importVersion, bundledModelDir, loadVersion, newestVersion, saveVersion, StoredVersion } from '../src/generation/store';
import { itemSlots } from '../src/generation/slots';
import { decodingExample } from '../src/generation/vocabulary';
import { seedSample } from '../src/ingest/seed';
import { createLogger } from '../src/logger';
import { normaliseTerm } from '../src/personalisation/tokenise';
import { createHttpServer } from '../src/server';
import { buildServices } from '../src/services';
import { projectRoot } from '../src/util/paths';

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** Median of `runs` timings of `fn` in ms (the machine is shared: one run can be unlucky). */
async function median(runs: number, fn: () => Promise<unknown>, before?: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await before?.();
    const start = process.hrtime.bigint();
    await fn();
    times.push(ms(start));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** The longest and the 99th percentile stall of the event loop while `fn` runs, in ms. */
async function eventLoopStall(fn: () => Promise<unknown>): Promise<{ max: number; p99: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // The histogram's first tick only starts its clock: let it pass before the work starts.
  await new Promise((resolve) => setTimeout(resolve, 2));
  await fn();
  // One more turn of the loop, so a stall at the very end is recorded too.
  await new Promise((resolve) => setTimeout(resolve, 2));
  h.disable();
  // The histogram counts delay beyond the 1 ms sampling interval.
  return { max: h.max / 1e6, p99: h.percentile(99) / 1e6 };
}

const RECOMMENDED = (withText: boolean) => `query ($u: ID!) { user(id: $u) { recommendations(first: 10) { score item { id title features { term weight }${withText ? ' personalisedDescription { text highlights personalised }' : ''} } } } }`;

async function main(): Promise<void> {
  const args = flags(process.argv.slice(2));
  const items: ItemData[] = readItems(args.get('items') ?? defaultItemsFile())
    .filter((i) => i.description)
    .slice(0, 120)
    .map((i) => ({ ...i, updatedAt: new Date() }));
  const focusOf = (item: ItemData) => itemSlots(item).filter((s) => s.slot.startsWith('<tag') || s.slot.startsWith('<cat')).slice(0, 2).map((s) => normaliseTerm(s.surface)!);
  await withDatabase(async (main, _config, url) => {
    const id = await newestVersion(main);
    const version: StoredVersion = id ? await loadVersion(main, id) : await importVersion(bundledModelDir());
    const bundle = asBundle(version);
    const ex = (k: number, n: number) => items.slice(k, k + n).map((i) => decodingExample(i, focusOf(i)));
    const lines: string[] = [];
    const row = (...cells: string[]) => lines.push(`| ${cells.join(' | ')} |`);
    lines.push('| measure (50 descriptions) | total ms | ms per description | CPU ms per description | one at a time ÷ this, per description |', '|---|---:|---:|---:|---:|');
    await generate(bundle, ex(60, 50)); // warm-up: JIT, and the kernels' per-token tables
    // The same 50 items every way (items differ in cost: comparing 10 with other 50 would be
    // comparing items), and the three measures take turns, so that load from other processes
    // hits them alike.
    const same = ex(10, 50);
    const inCalls = async (size: number) => {
      for (let k = 0; k < same.length; k += size) await generate(bundle, same.slice(k, k + size));
    };
    const measures = [
      { key: 'single', size: 1, label: `one at a time (${same.length} calls of 1)` },
      { key: 'b10', size: 10, label: `batched, 10 in one call (${same.length / 10} calls)` },
      { key: 'b50', size: 50, label: 'batched, 50 in one call' },
    ];
    const runs: Record<string, { wall: number; cpu: number }[]> = { single: [], b10: [], b50: [] };
    for (let i = 0; i < 5; i++) {
      for (const { key, size } of measures) {
        const cpu = process.cpuUsage();
        const start = process.hrtime.bigint();
        await inCalls(size);
        const used = process.cpuUsage(cpu);
        runs[key].push({ wall: ms(start), cpu: (used.user + used.system) / 1000 });
      }
    }
    const mid = (key: string, f: 'wall' | 'cpu') => runs[key].map((r) => r[f]).sort((a, b) => a - b)[2] / same.length;
    const single = mid('single', 'wall');
    for (const { key, label } of measures) {
      const t = mid(key, 'wall');
      row(label, (t * same.length).toFixed(0), t.toFixed(2), mid(key, 'cpu').toFixed(2), `${(single / t).toFixed(2)}x`);
    }

    const stalls: string[] = ['| event loop while 10 cold descriptions are written in one call | longest stall ms | p99 stall ms | total ms |', '|---|---:|---:|---:|'];
    const stallRow = async (label: string, fn: () => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      const s = await eventLoopStall(fn);
      stalls.push(`| ${label} | ${s.max.toFixed(1)} | ${s.p99.toFixed(1)} | ${ms(start).toFixed(0)} |`);
    };
    await stallRow('as served: yields to the event loop every 5 ms of work', () => generate(bundle, ex(70, 10)));
    await stallRow('one synchronous run (no yielding), for comparison', () => generate(bundle, ex(70, 10), DEFAULT_DECODE, Infinity));

    // The service with its Postgres cache, in a scratch schema.
    const schema = `bench_gen_${randomBytes(4).toString('hex')}`;
    const db = await openDatabase({ url, schema });
    try {
      await db.query(
        `INSERT INTO items (id, title, description, brand, categories, tags) SELECT u.id, u.title, u.description, u.brand, '{}', '{}' FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, title, description, brand)`,
        [items.map((i) => i.id), items.map((i) => i.title), items.map((i) => i.description), items.map((i) => i.brand)],
      );
      await saveVersion(db, version);
      const service = await DescriptionService.create({ dataSource: db, logger: pino({ level: 'silent' }), pollIntervalMs: 0 });
      const request = () => {
        const loader = service.createLoader();
        return Promise.all(items.slice(60, 70).map((item) => loader.load({ item, focus: focusOf(item) })));
      };
      const cold = await median(3, request, () => db.query(`DELETE FROM generated_descriptions`));
      const warm = (await median(3, async () => { for (let i = 0; i < 20; i++) await request(); })) / 20;
      const lookup = (await median(3, async () => { for (let i = 0; i < 20; i++) await service.describe([{ item: items[60], focus: focusOf(items[60]) }]); })) / 20;
      row('cached lookup, 1 description', lookup.toFixed(1), lookup.toFixed(1), '', `${(single / lookup).toFixed(0)}x`);
      row('10 descriptions via the DataLoader, cold (1 lookup + 1 model call + 1 insert)', cold.toFixed(0), (cold / 10).toFixed(1), '', `${(single / (cold / 10)).toFixed(1)}x`);
      row('10 descriptions via the DataLoader, warm (1 lookup)', warm.toFixed(1), (warm / 10).toFixed(2), '', `${(single / (warm / 10)).toFixed(0)}x`);
      await service.close();
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.destroy();
    }

    const graphql = await graphqlRequests(url, version);
    const table = [
      `npm run bench:generate (${new Date().toISOString().slice(0, 10)}; decoding on the plain-JavaScript kernels of src/generation/kernels.ts, weights loaded with TensorFlow.js backend ${tensorflow().backend}; model ${version.version}; ${DEFAULT_DECODE.candidates} sampled candidates per description, up to ${DEFAULT_DECODE.maxTokens} tokens; the same 50 items one at a time, 10 a call and 50 a call, taking turns, medians of 5 runs (3 for the service rows); run through tsx, which in a side measurement was about a fifth slower than the compiled build \`npm start\` serves; a 2-CPU machine shared with other work)`,
      '',
      ...lines,
      '',
      ...stalls,
      '',
      ...graphql,
    ].join('\n');
    process.stdout.write(`${table}\n`);
    writeFileSync(join(projectRoot(), 'docs', 'bench-generate.md'), `# Description generation benchmark\n\n${table}\n`);
  });
}

/**
 * A GraphQL request as the storefront sends it (a user's 10 recommendations, their features and
 * descriptions) through the real services and Apollo Server, on the sample data in a scratch schema.
 */
async function graphqlRequests(url: string, version: StoredVersion): Promise<string[]> {
  const schema = `bench_gen_gql_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, DATABASE_SCHEMA: schema, LOG_LEVEL: 'silent' });
  const logger = createLogger('silent');
  const db = await openDatabase({ url, schema, poolSize: 5 });
  try {
    await seedSample(db, config, logger);
    await saveVersion(db, version);
    const services = await buildServices({ db, url, schema, config, logger });
    const server = await createHttpServer(services, config, logger);
    try {
      await services.descriptions.model.reload();
      const user = 'sim-user-001';
      const ask = async (withText: boolean) => {
        const res = await server.apollo.executeOperation({ query: RECOMMENDED(withText), variables: { u: user } }, { contextValue: createContext(services, makeViewer(user, false)) });
        if (res.body.kind !== 'single' || res.body.singleResult.errors) throw new Error(`GraphQL error: ${JSON.stringify(res.body)}`);
        return res.body.singleResult.data as { user: { recommendations: { item: { personalisedDescription?: { personalised: boolean } } }[] } };
      };
      const clearCache = () => db.query(`DELETE FROM generated_descriptions`);
      for (let i = 0; i < 3; i++) await ask(false); // JIT and the catalogue's caches
      const first = await ask(true);
      const recs = first.user.recommendations;
      const personal = recs.filter((r) => r.item.personalisedDescription?.personalised).length;
      const without = await median(5, () => ask(false));
      const cold = await median(3, () => ask(true), clearCache);
      const warm = await median(5, () => ask(true));
      await clearCache();
      const stall = await eventLoopStall(() => ask(true));
      return [
        `| GraphQL request as ${user} (Apollo executeOperation, real services and Postgres): ${recs.length} recommendations, ${personal} personalised descriptions | ms |`,
        '|---|---:|',
        `| recommendations with features, no descriptions | ${without.toFixed(1)} |`,
        `| + personalised descriptions, cold (cache emptied before each run) | ${cold.toFixed(0)} |`,
        `| + personalised descriptions, warm (cached) | ${warm.toFixed(1)} |`,
        `| longest event-loop stall during a cold request | ${stall.max.toFixed(1)} |`,
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
