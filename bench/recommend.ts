/**
 * `npm run bench:recommend`: the recommendation engine on synthetic Zipf catalogues (10k, 100k,
 * 1M items; ~15 terms each, 50k distinct; fixed seed) with 30-term user profiles: build time,
 * top-20 query p50/p99, bytes per posting, and the speed-up over scoring every item measured
 * in the same run; HYBRID (COSINE blended with co-occurrence) against COSINE in the same loop;
 * plus content-based-recommender (npm) on the same catalogue for item-to-item.
 * Writes the table to docs/bench-recommend.md.
 *
 *   node --max-old-space-size=8192 node_modules/.bin/tsx bench/recommend.ts [--sizes 10000,100000,1000000] [--queries 200] [--cbr-size 2000]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { DEFAULT_COLLAB } from '../src/personalisation/collab';
import { RecommendationEngine, SimilarityKind } from '../src/personalisation/engine';
import { FILTERED_HEADER, filteredRows } from './support/filtered-rows';
import { HYBRID_HEADER, hybridRow } from './support/hybrid-rows';
import { DEFAULT_SYNTHETIC, syntheticCatalogue, syntheticProfiles } from './support/synthetic';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ContentBasedRecommender = require('content-based-recommender');

/** The installed content-based-recommender's version, for the table. */
const cbrVersion = (): string =>
  (JSON.parse(readFileSync(require.resolve('content-based-recommender/package.json'), 'utf8')) as { version: string })
    .version;

const K = 20;
/** The service's default blend weight. */
const HYBRID_ALPHA = loadConfig({}).personalisation.hybridAlpha;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

function time<T>(f: () => T): [T, number] {
  const start = now();
  const result = f();
  return [result, now() - start];
}

function main(): void {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000,1000000' },
      queries: { type: 'string', default: '200' },
      'cbr-size': { type: 'string', default: '2000' },
      // Only the filtered rows (issue 16), at these sizes.
      'filtered-only': { type: 'boolean', default: false },
      out: { type: 'string', default: join(__dirname, '..', 'docs', 'bench-recommend.md') },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const queries = Number(values.queries);
  const profiles = syntheticProfiles(queries, 30, DEFAULT_SYNTHETIC);
  const lines: string[] = [
    `Command: \`node --max-old-space-size=8192 node_modules/.bin/tsx bench/recommend.ts ${process.argv.slice(2).join(' ') || `--sizes ${values.sizes} --queries ${queries} --cbr-size ${values['cbr-size']}`}\``,
    `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}.`,
    `Data: Zipf (s = ${DEFAULT_SYNTHETIC.exponent}) over ${DEFAULT_SYNTHETIC.vocabulary} terms, ${DEFAULT_SYNTHETIC.termsPerItem} distinct terms per item, seed ${DEFAULT_SYNTHETIC.seed}; users: 30 distinct Zipf terms, raw weights in [1, 5); top-${K}, no exclusions.`,
    `Exhaustive = the same engine scoring every item with the same canonical function (exhaustive: true), on a sample of the queries; speed-up = exhaustive p50 / pruned p50 on that sample. Every sampled pruned answer is checked equal to the exhaustive one.`,
    '',
    '| items | similarity | build s | query p50 ms | query p99 ms | exhaustive p50 ms | speed-up | bytes/posting (postings) | bytes/posting (all typed arrays) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const print = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  console.log(lines.join('\n'));
  const hybridRows: string[] = [];
  const filtered: string[] = [];
  for (const size of sizes) {
    const [items, genMs] = time(() => syntheticCatalogue({ ...DEFAULT_SYNTHETIC, items: size }));
    const [engine, buildMs] = time(() => RecommendationEngine.build(items));
    const stats = engine.stats();
    console.error(`# ${size} items generated in ${(genMs / 1000).toFixed(1)} s, ${stats.postings} postings`);
    for (let i = 0; i < 10; i++) engine.recommend(profiles[i], { similarity: 'COSINE', k: K }); // warm-up
    filtered.push(...filteredRows(engine, items, profiles, K, quantile, fmt, size >= 1_000_000 ? 20 : 50));
    console.error(`# filtered\n${filtered.slice(-3).join('\n')}`);
    if (values['filtered-only']) continue;
    for (const similarity of ['COSINE', 'JACCARD'] as SimilarityKind[]) {
      for (let i = 0; i < 10; i++) engine.recommend(profiles[i], { similarity, k: K }); // warm-up
      const fast: number[] = [];
      for (const raw of profiles) fast.push(time(() => engine.recommend(raw, { similarity, k: K }))[1]);
      const sample = Math.min(queries, size >= 1_000_000 ? 20 : 50);
      const slow: number[] = [];
      const fastSample: number[] = [];
      for (let i = 0; i < sample; i++) {
        const [expected, ms] = time(() => engine.recommend(profiles[i], { similarity, k: K, exhaustive: true }));
        slow.push(ms);
        const [actual, fastMs] = time(() => engine.recommend(profiles[i], { similarity, k: K }));
        fastSample.push(fastMs);
        if (JSON.stringify(actual) !== JSON.stringify(expected))
          throw new Error(`pruned and exhaustive differ (${similarity}, query ${i})`);
      }
      const speedUp = quantile(slow, 0.5) / quantile(fastSample, 0.5);
      print(
        `| ${size.toLocaleString('en')} | ${similarity} | ${(buildMs / 1000).toFixed(2)} | ${fmt(quantile(fast, 0.5))} | ${fmt(quantile(fast, 0.99))} | ${fmt(quantile(slow, 0.5))} | ${speedUp.toFixed(1)}x | ${(stats.postingBytes / stats.postings).toFixed(1)} | ${(stats.totalBytes / stats.postings).toFixed(1)} |`,
      );
    }
    hybridRows.push(hybridRow(engine, profiles, size, K, DEFAULT_SYNTHETIC.seed, HYBRID_ALPHA, quantile, fmt));
    console.error(`# HYBRID ${hybridRows[hybridRows.length - 1]}`);
  }
  lines.push('');
  print(
    `Filtered COSINE top-${K} (issue 16): the filter applied inside the exact search (an allowed-items byte set, cached per filter; few passing items are scored directly). Prices 0..99 drawn with the catalogue (seed + 2); the unfiltered query for the same user is timed in the same loop.`,
  );
  print('');
  for (const line of [...FILTERED_HEADER, ...filtered]) print(line);
  lines.push('');
  if (values['filtered-only']) {
    writeFileSync(values.out, `# Recommendation engine benchmark (filtered rows)\n\n${lines.join('\n')}\n`);
    return;
  }
  print(
    `HYBRID (alpha ${HYBRID_ALPHA}) top-${K}, each user with ${DEFAULT_COLLAB.historyLength} recent items of ${DEFAULT_COLLAB.neighbours} co-occurrence neighbours each (the most a request reads; bench/support/cooccurrence.ts), history excluded, timed back to back with COSINE top-${K} for the same user:`,
  );
  print('');
  for (const line of [...HYBRID_HEADER, ...hybridRows]) print(line);
  lines.push('');
  compareWithContentBasedRecommender(Number(values['cbr-size']), queries, print);
  writeFileSync(values.out, `# Recommendation engine benchmark\n\n${lines.join('\n')}\n`);
}

/**
 * content-based-recommender computes every pairwise similarity at training (O(n^2)), then a
 * query is a lookup. Compared on item-to-item top-20 over the same synthetic items: its
 * training + queries against our build + the same queries.
 */
function compareWithContentBasedRecommender(size: number, queries: number, print: (line: string) => void): void {
  const items = syntheticCatalogue({ ...DEFAULT_SYNTHETIC, items: size });
  const ids = items.slice(0, queries).map((i) => i.id);
  const documents = items.map((i) => ({ id: i.id, content: i.tags!.join(' ') }));
  const recommender = new ContentBasedRecommender({ maxSimilarDocuments: K, minScore: 0 });
  const [, theirTrain] = time(() => recommender.train(documents));
  const [, theirQuery] = time(() => ids.forEach((id) => recommender.getSimilarDocuments(id, 0, K)));
  const [engine, ourBuild] = time(() => RecommendationEngine.build(items));
  const [, ourQuery] = time(() => ids.forEach((id) => engine.similarItems(id, { similarity: 'COSINE', k: K })));
  print(
    `content-based-recommender ${cbrVersion()} on the first ${size.toLocaleString('en')} items of the same synthetic catalogue (its training is all-pairs, O(n^2)), item-to-item top-${K} for ${ids.length} items:`,
  );
  print('');
  print(
    '| | training / build ms | ${ids.length} queries ms | total ms | ratio |'.replace(
      '${ids.length}',
      String(ids.length),
    ),
  );
  print('|---|---|---|---|---|');
  print(
    `| content-based-recommender | ${theirTrain.toFixed(0)} | ${theirQuery.toFixed(1)} | ${(theirTrain + theirQuery).toFixed(0)} | ${((theirTrain + theirQuery) / (ourBuild + ourQuery)).toFixed(0)}x slower |`,
  );
  print(
    `| tailor engine (COSINE) | ${ourBuild.toFixed(0)} | ${ourQuery.toFixed(1)} | ${(ourBuild + ourQuery).toFixed(0)} | 1 |`,
  );
}

main();
