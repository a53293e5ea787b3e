import fc from 'fast-check';
import { CatalogueItem, RecommendationEngine, SimilarityKind } from '../../../src/personalisation/engine';
import { catalogueArb, itemArb, queryArb, rawArb } from './arbitraries';

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
    const v = engine.interestVector(
      new Map([
        ['y', 2],
        ['unknown', 5],
      ]),
    );
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
    expect(
      engine
        .recommend(new Map([['y', 1]]), { similarity: 'COSINE', k: 5, exclude: new Set(['B']) })
        .map((s) => s.itemId),
    ).toEqual(['A']);
    expect(engine.similarItems('B', { similarity: 'JACCARD', k: 5 }).map((s) => s.itemId)).toEqual(['A']);
  });

  it('breaks ties by item id', () => {
    const e = RecommendationEngine.build([
      { id: 'b', tags: ['t'] },
      { id: 'a', tags: ['t'] },
      { id: 'c', tags: ['t'] },
    ]);
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

type Op = { kind: 'upsert'; items: CatalogueItem[] } | { kind: 'remove'; ids: string[] };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc
    .array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 4 })
    .chain((ns) => fc.tuple(...ns.map((n) => itemArb(`i${n}`))))
    .map((items) => ({ kind: 'upsert' as const, items })),
  fc
    .array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 4 })
    .map((ns) => ({ kind: 'remove' as const, ids: ns.map((n) => `i${n}`) })),
);

describe('incremental updates', () => {
  it('answer exactly as an engine built from scratch on the live items with the frozen IDF, and as a plain build after a rebuild', () => {
    fc.assert(
      fc.property(
        catalogueArb,
        fc.array(opArb, { maxLength: 8 }),
        rawArb,
        queryArb,
        fc.integer({ min: 0, max: 6 }),
        (items, ops, raw, q, minDelta) => {
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
            for (const id of [...live.keys()].slice(0, 3))
              expect(engine.similarItems(id, opts)).toEqual(frozen.similarItems(id, opts));
          }
          engine.rebuild();
          const fresh = RecommendationEngine.build(live.values(), { jaccardTopN: q.topN });
          for (const similarity of KINDS) {
            const opts = { similarity, k: q.k, exclude, diversity: q.diversity };
            expect(engine.recommend(raw, opts)).toEqual(fresh.recommend(raw, opts));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
