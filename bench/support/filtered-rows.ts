/**
 * Filtered rows of `npm run bench:recommend` (issue 16): COSINE top-K under filters that 50%,
 * 10% and 1% of the items pass (price ranges over the synthetic prices 0..99), timed in the same
 * loop as the unfiltered query for the same user, so the machine's noise hits both alike. The
 * first query of each filter builds its allowed set (then cached); it is reported on its own.
 * Every filtered answer is checked against the exhaustive path under the same filter (every
 * passing item scored) and against the filter itself.
 */
import type { ItemFilter } from '../../src/domain/filter';
import type { CatalogueItem, RecommendationEngine } from '../../src/personalisation/engine';

export const FILTERED_HEADER = [
  '| items | filter | items passing | first query ms (builds the allowed set) | filtered p50 ms | filtered p99 ms | unfiltered p50 ms (same loop) | filtered / unfiltered p50 | answers checked exact |',
  '|---|---|---|---|---|---|---|---|---|',
];

const FILTERS: { name: string; filter: ItemFilter }[] = [
  { name: '50% (price 0-49)', filter: { priceMax: 49 } },
  { name: '10% (price 20-29)', filter: { priceMin: 20, priceMax: 29 } },
  { name: '1% (price 42)', filter: { priceMin: 42, priceMax: 42 } },
];

export function filteredRows(
  engine: RecommendationEngine,
  items: CatalogueItem[],
  profiles: Map<string, number>[],
  k: number,
  quantile: (xs: number[], q: number) => number,
  fmt: (ms: number) => string,
  checks: number,
): string[] {
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const priceOf = new Map(items.map((i) => [i.id, i.price ?? null]));
  const rows: string[] = [];
  for (const { name, filter } of FILTERS) {
    const passes = (id: string) => {
      const p = priceOf.get(id);
      return p != null && p >= (filter.priceMin ?? 0) && p <= (filter.priceMax ?? Infinity);
    };
    const passing = items.filter((i) => passes(i.id)).length;
    let t = now();
    engine.recommend(profiles[0], { similarity: 'COSINE', k, filter });
    const firstMs = now() - t;
    const filtered: number[] = [];
    const plain: number[] = [];
    for (const raw of profiles) {
      t = now();
      engine.recommend(raw, { similarity: 'COSINE', k });
      plain.push(now() - t);
      t = now();
      const answer = engine.recommend(raw, { similarity: 'COSINE', k, filter });
      filtered.push(now() - t);
      if (answer.length !== Math.min(k, passing) || !answer.every((r) => passes(r.itemId)))
        throw new Error(`filtered answer is short or lets a non-passing item through (${name})`);
    }
    for (let i = 0; i < Math.min(checks, profiles.length); i++) {
      const fast = engine.recommend(profiles[i], { similarity: 'COSINE', k, filter });
      const slow = engine.recommend(profiles[i], { similarity: 'COSINE', k, filter, exhaustive: true });
      if (JSON.stringify(fast) !== JSON.stringify(slow))
        throw new Error(`filtered answer is not exact (${name}, ${i})`);
    }
    const ratio = quantile(filtered, 0.5) / quantile(plain, 0.5);
    rows.push(
      `| ${items.length.toLocaleString('en')} | ${name} | ${passing.toLocaleString('en')} | ${fmt(firstMs)} | ${fmt(quantile(filtered, 0.5))} | ${fmt(quantile(filtered, 0.99))} | ${fmt(quantile(plain, 0.5))} | ${ratio.toFixed(2)}x | ${Math.min(checks, profiles.length)} of ${profiles.length} against scoring every passing item; all ${profiles.length} full and passing |`,
    );
  }
  return rows;
}
