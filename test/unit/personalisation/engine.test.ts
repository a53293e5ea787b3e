import fc from 'fast-check';
import { CatalogueItem, RecommendationEngine, SimilarityKind } from '../../../src/personalisation/engine';
import { seededRandom } from '../../../src/util/random';
import { expectSameRanking, Reference } from './reference';

const KINDS: SimilarityKind[] = ['COSINE', 'JACCARD'];

describe('recommendation engine on a hand-checked catalogue', () => {
  // N = 3; df(x) = 1, df(y) = 2, df(z) = 1; idf(x) = ln(4/2) + 1, idf(y) = ln(4/3) + 1.
  const idfX = Math.log(2) + 1;
  const idfY = Math.log(4 / 3) + 1;
  const items: CatalogueItem[] = [
    { id: 'A', tags: ['x', 'Y'] },
    { id: 'B', tags: ['y'] },
    { id: 'C', tags: ['z'] },
  ];
  const engine = RecommendationEngine.build(items);
  const wAy = idfY / Math.hypot(idfX, idfY);

  it('exposes unit tf-idf features, heaviest first', () => {
    const f = engine.features('A')!;
    expect(f.map((w) => w.term)).toEqual(['x', 'y']);
    expect(f[0].weight).toBeCloseTo(idfX / Math.hypot(idfX, idfY), 12);
    expect(f[1].weight).toBeCloseTo(wAy, 12);
    expect(engine.features('nope')).toBeNull();
    expect(engine.size).toBe(3);
    expect(engine.isKnownTerm('y')).toBe(true);
  });

  it('drops unknown terms from the interest vector and normalises the rest', () => {
    const v = engine.interestVector(new Map([['y', 2], ['unknown', 5]]));
    expect(v).toEqual([{ term: 'y', weight: 1 }]);
  });

  it('COSINE ranks by the dot product of unit vectors, with the shared terms as reasons', () => {
    const r = engine.recommend(new Map([['y', 1]]), { similarity: 'COSINE', k: 5 });
    expect(r.map((s) => s.itemId)).toEqual(['B', 'A']);
    expect(r[0].score).toBeCloseTo(1, 12);
    expect(r[1].score).toBeCloseTo(wAy, 12);
    expect(r[1].reasons).toEqual([{ term: 'y', weight: r[1].score }]);
  });

  it('JACCARD ranks by shared terms over all terms; each shared term explains 1/|U ∪ I|', () => {
    const r = engine.recommend(new Map([['y', 1]]), { similarity: 'JACCARD', k: 5 });
    expect(r).toEqual([
      { itemId: 'B', score: 1, reasons: [{ term: 'y', weight: 1 }] },
      { itemId: 'A', score: 0.5, reasons: [{ term: 'y', weight: 0.5 }] },
    ]);
  });

  it('leaves out excluded items and the item itself from similar items', () => {
    expect(engine.recommend(new Map([['y', 1]]), { similarity: 'COSINE', k: 5, exclude: new Set(['B']) }).map((s) => s.itemId)).toEqual(['A']);
    expect(engine.similarItems('B', { similarity: 'JACCARD', k: 5 }).map((s) => s.itemId)).toEqual(['A']);
  });

  it('breaks ties by item id', () => {
    const e = RecommendationEngine.build([{ id: 'b', tags: ['t'] }, { id: 'a', tags: ['t'] }, { id: 'c', tags: ['t'] }]);
    expect(e.recommend(new Map([['t', 1]]), { similarity: 'JACCARD', k: 2 }).map((s) => s.itemId)).toEqual(['a', 'b']);
  });

  it('an upserted item is found and a removed one is gone', () => {
    const e = RecommendationEngine.build(items);
    e.upsert([{ id: 'D', tags: ['y', 'w'] }]);
    e.remove(['B']);
    expect(e.has('B')).toBe(false);
    expect(e.size).toBe(3);
    expect(e.recommend(new Map([['w', 1]]), { similarity: 'JACCARD', k: 5 }).map((s) => s.itemId)).toEqual(['D']);
    // w is new since the build: the IDF of df = 1 under the frozen N = 3.
    expect(e.idf('w')).toBeCloseTo(Math.log(2) + 1, 15);
  });
});

// Random catalogues: a skewed vocabulary, so some posting lists are long and pruning has work to do.
const TERMS = Array.from({ length: 14 }, (_, i) => `t${i}`);
const termArb = fc.integer({ min: 0, max: 99 }).map((x) => TERMS[Math.floor((x * x) / 720)]);
const itemArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    tags: fc.array(termArb, { maxLength: 7 }),
    categories: fc.option(fc.array(termArb, { maxLength: 2 }), { nil: null }),
    brand: fc.option(termArb, { nil: null }),
  });
const catalogueArb = fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => itemArb(`i${i}`))));
const rawArb = fc
  .array(fc.tuple(fc.oneof(termArb, fc.constant('unknown')), fc.double({ min: 0.01, max: 10, noNaN: true })), { minLength: 1, maxLength: 9 })
  .map((entries) => new Map(entries));
const queryArb = fc.record({
  k: fc.integer({ min: 1, max: 12 }),
  excludeMask: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  topN: fc.integer({ min: 1, max: 8 }),
  diversity: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
});

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
          if (q.diversity === 0) expectSameRanking(strip(fast), reference.rank(reference.interest(raw), similarity, Infinity, exclude), q.k);
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
          expectSameRanking(strip(fast), reference.rank(reference.vectors.get(id)!, similarity, Infinity, new Set([id])), q.k);
        }
      }),
      { numRuns: 200 },
    );
  });
});

type Op = { kind: 'upsert'; items: CatalogueItem[] } | { kind: 'remove'; ids: string[] };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc
    .array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 4 })
    .chain((ns) => fc.tuple(...ns.map((n) => itemArb(`i${n}`))))
    .map((items) => ({ kind: 'upsert' as const, items })),
  fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 4 }).map((ns) => ({ kind: 'remove' as const, ids: ns.map((n) => `i${n}`) })),
);

describe('incremental updates', () => {
  it('answer exactly as an engine built from scratch on the live items with the frozen IDF, and as a plain build after a rebuild', () => {
    fc.assert(
      fc.property(catalogueArb, fc.array(opArb, { maxLength: 8 }), rawArb, queryArb, fc.integer({ min: 0, max: 6 }), (items, ops, raw, q, minDelta) => {
        const engine = RecommendationEngine.build(items, { jaccardTopN: q.topN, minDelta, rebuildShare: 0.25 });
        const live = new Map<string, CatalogueItem>(items.map((i) => [i.id, i]));
        for (const op of ops) {
          if (op.kind === 'upsert') {
            engine.upsert(op.items);
            for (const i of op.items) live.set(i.id, i);
          } else {
            engine.remove(op.ids);
            for (const id of op.ids) live.delete(id);
          }
        }
        expect(engine.size).toBe(live.size);
        const frozen = RecommendationEngine.build(live.values(), { jaccardTopN: q.topN, idf: (t) => engine.idf(t)! });
        const exclude = new Set([...live.keys()].filter((_, i) => q.excludeMask[i]));
        for (const similarity of KINDS) {
          const opts = { similarity, k: q.k, exclude, diversity: q.diversity };
          const fast = engine.recommend(raw, { ...opts, pruned: true });
          expect(fast).toEqual(engine.recommend(raw, { ...opts, exhaustive: true }));
          expect(fast).toEqual(engine.recommend(raw, opts));
          expect(fast).toEqual(frozen.recommend(raw, opts));
          for (const id of [...live.keys()].slice(0, 3)) expect(engine.similarItems(id, opts)).toEqual(frozen.similarItems(id, opts));
        }
        engine.rebuild();
        const fresh = RecommendationEngine.build(live.values(), { jaccardTopN: q.topN });
        for (const similarity of KINDS) {
          const opts = { similarity, k: q.k, exclude, diversity: q.diversity };
          expect(engine.recommend(raw, opts)).toEqual(fresh.recommend(raw, opts));
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** A Zipf-skewed catalogue large enough that the pruned search takes every path (grouped windows, galloping, bitset bounds). */
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
  return Array.from({ length: items }, (_, i) => ({ id: `item${i}`, tags: Array.from({ length: 1 + Math.floor(random() * 16) }, draw) }));
}

describe('exact top-K on a large skewed catalogue', () => {
  const items = zipfCatalogue(20_000, 2_000, 7);
  const engine = RecommendationEngine.build(items, { minDelta: 1_000_000 });
  const changed = RecommendationEngine.build(items, { minDelta: 1_000_000 });
  changed.remove(items.filter((_, i) => i % 7 === 0).map((i) => i.id));
  changed.upsert(zipfCatalogue(300, 2_000, 8).map((item, i) => ({ ...item, id: i % 2 === 0 ? `item${i * 13}` : `new${i}` })));
  const profileArb = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 2_000 }), fc.double({ min: 0.1, max: 5, noNaN: true })), { minLength: 1, maxLength: 40 })
    .map((entries) => new Map(entries.map(([r, w]) => [`z${Math.floor((r * r) / 2_000)}`, w])));

  it('equals scoring every item, with exclusions, removed and upserted items', () => {
    fc.assert(
      fc.property(profileArb, fc.integer({ min: 1, max: 60 }), fc.array(fc.nat(20_000), { maxLength: 30 }), fc.boolean(), (raw, k, excluded, useChanged) => {
        const e = useChanged ? changed : engine;
        const exclude = new Set(excluded.map((i) => `item${i}`));
        for (const similarity of KINDS) {
          const opts = { similarity, k, exclude };
          expect(e.recommend(raw, opts)).toEqual(e.recommend(raw, { ...opts, exhaustive: true }));
        }
      }),
      { numRuns: 60 },
    );
  });
});
