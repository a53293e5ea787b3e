/**
 * The pruned searches (query/pruned-cosine.ts, query/bitsliced-jaccard.ts) against their
 * exhaustive twin (query/exhaustive.ts) and the slow obvious reference, through the engine.
 */
import fc from 'fast-check';
import { CatalogueItem, RecommendationEngine, SimilarityKind } from '../../../../src/personalisation/engine';
import { seededRandom } from '../../../../src/util/random';
import { catalogueArb, queryArb, rawArb } from '../arbitraries';
import { expectSameRanking, Reference } from '../reference';

const KINDS: SimilarityKind[] = ['COSINE', 'JACCARD'];

const strip = (r: { itemId: string; score: number }[]) => r.map(({ itemId, score }) => ({ itemId, score }));

describe('exact top-K: the pruned search equals scoring every item', () => {
  it('for recommend, both similarities, with exclusions and diversity', () => {
    fc.assert(
      fc.property(catalogueArb, rawArb, queryArb, (items, raw, q) => {
        const engine = RecommendationEngine.build(items, { jaccardTopN: q.topN });
        const reference = new Reference(items, undefined, q.topN);
        const exclude = new Set(items.filter((_, i) => q.excludeMask[i]).map((i) => i.id));
        for (const similarity of KINDS) {
          const opts = { similarity, k: q.k, exclude, diversity: q.diversity };
          // A catalogue this small is scored whole by default: the pruned search is asked for by name.
          const fast = engine.recommend(raw, { ...opts, pruned: true });
          expect(fast).toEqual(engine.recommend(raw, { ...opts, exhaustive: true }));
          expect(engine.recommend(raw, opts)).toEqual(fast);
          if (q.diversity === 0)
            expectSameRanking(strip(fast), reference.rank(reference.interest(raw), similarity, Infinity, exclude), q.k);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('for similar items', () => {
    fc.assert(
      fc.property(catalogueArb, fc.nat(), queryArb, (items, pick, q) => {
        if (items.length === 0) return;
        const engine = RecommendationEngine.build(items, { jaccardTopN: q.topN });
        const reference = new Reference(items, undefined, q.topN);
        const id = items[pick % items.length].id;
        for (const similarity of KINDS) {
          const fast = engine.similarItems(id, { similarity, k: q.k, pruned: true });
          expect(fast).toEqual(engine.similarItems(id, { similarity, k: q.k, exhaustive: true }));
          expect(engine.similarItems(id, { similarity, k: q.k })).toEqual(fast);
          expectSameRanking(
            strip(fast),
            reference.rank(reference.vectors.get(id)!, similarity, Infinity, new Set([id])),
            q.k,
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * A Zipf-skewed catalogue large enough that the pruned search takes every path (grouped windows,
 * galloping, bitset bounds).
 */
function zipfCatalogue(items: number, vocabulary: number, seed: number): CatalogueItem[] {
  const random = seededRandom(seed);
  const cdf: number[] = [];
  let sum = 0;
  for (let r = 1; r <= vocabulary; r++) cdf.push((sum += 1 / r));
  const draw = () => {
    const u = random() * sum;
    let lo = 0;
    let hi = vocabulary - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return `z${lo}`;
  };
  // Lengths 1..16 and some repeated tags (tf > 1), so norms, tf bounds and JACCARD's lengths vary.
  return Array.from({ length: items }, (_, i) => ({
    id: `item${i}`,
    tags: Array.from({ length: 1 + Math.floor(random() * 16) }, draw),
  }));
}

describe('exact top-K on a large skewed catalogue', () => {
  const items = zipfCatalogue(20_000, 2_000, 7);
  const engine = RecommendationEngine.build(items, { minDelta: 1_000_000 });
  const changed = RecommendationEngine.build(items, { minDelta: 1_000_000 });
  changed.remove(items.filter((_, i) => i % 7 === 0).map((i) => i.id));
  changed.upsert(
    zipfCatalogue(300, 2_000, 8).map((item, i) => ({ ...item, id: i % 2 === 0 ? `item${i * 13}` : `new${i}` })),
  );
  const profileArb = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 2_000 }), fc.double({ min: 0.1, max: 5, noNaN: true })), {
      minLength: 1,
      maxLength: 40,
    })
    .map((entries) => new Map(entries.map(([r, w]) => [`z${Math.floor((r * r) / 2_000)}`, w])));

  it('equals scoring every item, with exclusions, removed and upserted items', () => {
    fc.assert(
      fc.property(
        profileArb,
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.nat(20_000), { maxLength: 30 }),
        fc.boolean(),
        (raw, k, excluded, useChanged) => {
          const e = useChanged ? changed : engine;
          const exclude = new Set(excluded.map((i) => `item${i}`));
          for (const similarity of KINDS) {
            const opts = { similarity, k, exclude };
            expect(e.recommend(raw, opts)).toEqual(e.recommend(raw, { ...opts, exhaustive: true }));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
