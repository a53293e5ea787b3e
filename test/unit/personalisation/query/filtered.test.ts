/**
 * Filters inside the exact top-K (issue 16): a filtered query equals scoring every passing item
 * with the slow obvious reference, its score-0 items completing the answer in id order, for
 * filters that pass about 50%, 10% and 1% of the items, on a fresh engine and on one with
 * removed and upserted items.
 */
import fc from 'fast-check';
import type { ItemFilter } from '../../../../src/domain/filter';
import { CatalogueItem, RecommendationEngine, SimilarityKind } from '../../../../src/personalisation/engine';
import { hybridRank } from '../../../../src/personalisation/hybrid';
import { seededRandom } from '../../../../src/util/random';
import { expectSameRanking, Reference, RefResult } from '../reference';

const KINDS: SimilarityKind[] = ['COSINE', 'JACCARD'];

/** Categories c0..c99 (c0-c49 hold half the items, c0-c9 a tenth, c0 1%), brands b0..b9, prices 0..99 or none. */
function catalogue(items: number, seed: number, prefix = 'item'): CatalogueItem[] {
  const random = seededRandom(seed);
  return Array.from({ length: items }, (_, i) => ({
    id: `${prefix}${i}`,
    tags: Array.from({ length: 1 + Math.floor(random() * 8) }, () => `z${Math.floor(random() ** 2 * 300)}`),
    categories: [`C${Math.floor(random() * 100)}`],
    brand: `b${Math.floor(random() * 10)}`,
    price: random() < 0.1 ? null : Math.floor(random() * 100),
  }));
}

function passes(item: CatalogueItem, f: ItemFilter): boolean {
  const any = (wanted: readonly string[] | undefined, mine: readonly string[]) =>
    wanted === undefined || mine.some((m) => wanted.includes(m.toLowerCase()));
  const price = item.price ?? null;
  const bounded = f.priceMin !== undefined || f.priceMax !== undefined;
  return (
    any(f.categories, item.categories ?? []) &&
    any(f.brands, item.brand ? [item.brand] : []) &&
    (!bounded || (price !== null && price >= (f.priceMin ?? 0) && price <= (f.priceMax ?? Infinity)))
  );
}

/** Every passing item scored, those above 0 best first, then the rest by id: what a filtered answer must be. */
function expected(
  ref: Reference,
  live: CatalogueItem[],
  raw: Map<string, number>,
  kind: SimilarityKind,
  f: ItemFilter,
) {
  const allowed = new Set(live.filter((i) => passes(i, f)).map((i) => i.id));
  const exclude = new Set(live.map((i) => i.id).filter((id) => !allowed.has(id)));
  const positive = ref.rank(ref.interest(raw), kind, Infinity, exclude);
  const scored = new Set(positive.map((r) => r.itemId));
  const zeros: RefResult[] = [...allowed]
    .filter((id) => !scored.has(id))
    .sort()
    .map((itemId) => ({ itemId, score: 0 }));
  return [...positive, ...zeros];
}

describe('filtered exact top-K equals scoring every passing item', () => {
  const items = catalogue(20_000, 11);
  const fresh = RecommendationEngine.build(items, { minDelta: 1_000_000 });
  const changed = RecommendationEngine.build(items, { minDelta: 1_000_000 });
  const removed = new Set(items.filter((_, i) => i % 7 === 0).map((i) => i.id));
  changed.remove([...removed]);
  const upserts = catalogue(300, 12, 'item').map((it, i) => ({ ...it, id: i % 2 === 0 ? `item${i * 13}` : `new${i}` }));
  changed.upsert(upserts);
  const liveChanged = new Map(items.filter((i) => !removed.has(i.id)).map((i) => [i.id, i]));
  for (const u of upserts) liveChanged.set(u.id, u);

  const filterArb = fc.record({
    share: fc.constantFrom(50, 10, 1),
    brands: fc.option(fc.subarray(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9'], { minLength: 1 }), {
      nil: undefined,
    }),
    priceMin: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
    priceSpan: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
  });
  const profileArb = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.double({ min: 0.1, max: 5, noNaN: true })), {
      minLength: 0,
      maxLength: 30,
    })
    .map((entries) => new Map(entries.map(([r, w]) => [`z${r}`, w])));

  it('for recommend and similar items, both similarities, before and after catalogue changes', () => {
    fc.assert(
      fc.property(
        profileArb,
        filterArb,
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        fc.nat(20_000),
        (raw, g, k, useChanged, pick) => {
          const engine = useChanged ? changed : fresh;
          const live = useChanged ? [...liveChanged.values()] : items;
          const filter: ItemFilter = {
            categories: Array.from({ length: g.share }, (_, c) => `c${c}`),
            ...(g.brands ? { brands: g.brands } : {}),
            ...(g.priceMin !== undefined ? { priceMin: g.priceMin } : {}),
            ...(g.priceSpan !== undefined ? { priceMax: (g.priceMin ?? 0) + g.priceSpan } : {}),
          };
          const ref = new Reference(live, (t) => engine.idf(t) ?? 0);
          for (const similarity of KINDS) {
            const fast = engine.recommend(raw, { similarity, k, filter });
            const full = expected(ref, live, raw, similarity, filter);
            expectSameRanking(
              fast.map(({ itemId, score }) => ({ itemId, score })),
              full,
              k,
            );
            const byId = (id: string) => (useChanged ? liveChanged.get(id)! : items[Number(id.slice(4))]);
            expect(fast.every((r) => passes(byId(r.itemId), filter))).toBe(true);
            const zeros = fast.filter((r) => r.score === 0).map((r) => r.itemId);
            expect(zeros).toEqual([...zeros].sort());
          }
          const target = live[pick % live.length].id;
          const similar = engine.similarItems(target, { similarity: 'COSINE', k, filter });
          const exhaustive = engine.similarItems(target, { similarity: 'COSINE', k, filter, exhaustive: true });
          expect(similar).toEqual(exhaustive);
          expect(similar.map((r) => r.itemId)).not.toContain(target);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rebuilding keeps each item with its own facets', () => {
    const engine = RecommendationEngine.build(items.slice(0, 2000), { minDelta: 10, rebuildShare: 0.001 });
    engine.remove(['item1', 'item2']);
    engine.upsert([{ id: 'item3', tags: ['z1'], categories: ['Only'], brand: 'solo', price: 5 }]);
    engine.rebuild();
    const only = engine.recommend(new Map([['z1', 1]]), {
      similarity: 'COSINE',
      k: 5,
      filter: { categories: ['only'] },
    });
    expect(only.map((r) => r.itemId)).toEqual(['item3']);
    expect(engine.passes('item4', { filter: { categories: [items[4].categories![0].toLowerCase()] } })).toBe(true);
    expect(engine.passes('item1', {})).toBe(false);
  });
});

describe('filtered HYBRID equals blending every passing item', () => {
  const items = catalogue(3_000, 21);
  const engine = RecommendationEngine.build(items);
  const byId = new Map(items.map((i) => [i.id, i]));

  it('for random profiles, co-occurrence scores and filters', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.double({ min: 0.1, max: 5, noNaN: true })), {
            maxLength: 20,
          })
          .map((e) => new Map(e.map(([r, w]) => [`z${r}`, w]))),
        fc.array(fc.tuple(fc.nat(2_999), fc.double({ min: 0.01, max: 3, noNaN: true })), { maxLength: 200 }),
        fc.constantFrom(50, 10, 1),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (raw, co, share, k, alpha) => {
          const filter: ItemFilter = { categories: Array.from({ length: share }, (_, c) => `c${c}`) };
          const scores = new Map(co.map(([i, s]) => [`item${i}`, s]));
          const signal = { scores, evidence: () => [] };
          const fast = hybridRank(engine, { profile: raw }, signal, { alpha, k, restriction: { filter } });
          // Every passing item blended: alpha * cosine + (1 - alpha) * collab / (max collab among passing items).
          const passing = items.filter((i) => passes(i, filter)).map((i) => i.id);
          const cosine = new Map(engine.scoreItems(raw, passing, { reasons: false }).map((s) => [s.itemId, s.score]));
          const max = Math.max(0, ...passing.map((id) => scores.get(id) ?? 0));
          const blended = passing
            .map((id) => ({
              itemId: id,
              score: alpha * (cosine.get(id) ?? 0) + (1 - alpha) * (max > 0 ? (scores.get(id) ?? 0) / max : 0),
            }))
            .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1));
          const positive = blended.filter((b) => b.score > 0);
          const full = [...positive, ...blended.filter((b) => !(b.score > 0)).map((b) => ({ ...b, score: 0 }))];
          expectSameRanking(
            fast.map(({ itemId, score }) => ({ itemId, score })),
            full,
            k,
          );
          expect(fast.every((r) => passes(byId.get(r.itemId)!, filter))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
