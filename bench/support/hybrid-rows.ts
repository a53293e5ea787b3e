/**
 * HYBRID's rows of `npm run bench:recommend`: for each user, COSINE top-K and HYBRID top-K are
 * timed back to back in the same loop (so the machine's noise hits both alike), HYBRID with the
 * co-occurrence a request reads (bench/support/cooccurrence.ts). The SQL read itself is not in
 * these rows: it is one indexed statement per request, measured by bench:http.
 */
import { DEFAULT_COLLAB, userCollab } from '../../src/personalisation/collab';
import type { RecommendationEngine } from '../../src/personalisation/engine';
import { hybridRank } from '../../src/personalisation/hybrid';
import { syntheticCoSignals } from './cooccurrence';

export const HYBRID_HEADER = [
  '| items | HYBRID p50 ms | HYBRID p99 ms | COSINE p50 ms (same loop) | HYBRID / COSINE p50 | co-occurrence candidates per user (median) |',
  '|---|---|---|---|---|---|',
];

export function hybridRow(
  engine: RecommendationEngine,
  profiles: Map<string, number>[],
  size: number,
  k: number,
  seed: number,
  alpha: number,
  quantile: (xs: number[], q: number) => number,
  fmt: (ms: number) => string,
): string {
  const signals = syntheticCoSignals(profiles.length, size, seed);
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const cosine: number[] = [];
  const hybrid: number[] = [];
  const candidates: number[] = [];
  for (let round = 0; round < 2; round++) {
    profiles.forEach((raw, i) => {
      const signal = signals[i];
      const exclude = new Set(signal.history);
      let t = now();
      engine.recommend(raw, { similarity: 'COSINE', k, exclude });
      const c = now() - t;
      t = now();
      const collab = userCollab(signal.history, (id) => signal.neighbours.get(id), DEFAULT_COLLAB);
      const ranked = hybridRank(engine, { profile: raw }, collab, { alpha, k, exclude });
      const h = now() - t;
      if (ranked.length !== k) throw new Error(`HYBRID returned ${ranked.length} of ${k} items`);
      // The first round warms up.
      if (round === 1) {
        cosine.push(c);
        hybrid.push(h);
        candidates.push(collab.scores.size);
      }
    });
  }
  const ratio = quantile(hybrid, 0.5) / quantile(cosine, 0.5);
  return `| ${size.toLocaleString('en')} | ${fmt(quantile(hybrid, 0.5))} | ${fmt(quantile(hybrid, 0.99))} | ${fmt(quantile(cosine, 0.5))} | ${ratio.toFixed(2)}x | ${quantile(candidates, 0.5)} |`;
}
