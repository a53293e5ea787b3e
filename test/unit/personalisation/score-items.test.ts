import fc from 'fast-check';
import { RecommendationEngine } from '../../../src/personalisation/engine';

const TERMS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const catalogue = fc.uniqueArray(
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 4 }),
    tags: fc.array(fc.constantFrom(...TERMS), { maxLength: 5 }),
  }),
  { selector: (i) => i.id, minLength: 1, maxLength: 40 },
);
const profile = fc.array(
  fc.tuple(fc.constantFrom(...TERMS, 'unknown'), fc.double({ min: 0.01, max: 10, noNaN: true })),
  { minLength: 1, maxLength: 6 },
);

describe('engine.scoreItems: exact COSINE for chosen candidates (the content half of HYBRID)', () => {
  it('gives every listed item the score and reasons the full COSINE ranking gives it', () => {
    fc.assert(
      fc.property(catalogue, profile, (items, p) => {
        const engine = RecommendationEngine.build(items);
        const raw = new Map(p);
        const all = engine.recommend(raw, { similarity: 'COSINE', k: items.length, exhaustive: true });
        const byId = new Map(all.map((s) => [s.itemId, s]));
        const ids = [...items.map((i) => i.id), 'not-an-item'];
        const scored = engine.scoreItems(raw, ids);
        expect(scored.map((s) => s.itemId)).toEqual(items.map((i) => i.id));
        for (const s of scored) {
          const full = byId.get(s.itemId);
          // The ranking leaves out items that share nothing with the profile (score 0).
          if (!full) expect(s.score).toBe(0);
          else {
            expect(s.score).toBeCloseTo(full.score, 9);
            expect(s.reasons).toEqual(full.reasons);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('scores candidates against an item the way similarItems does', () => {
    fc.assert(
      fc.property(catalogue, (items) => {
        const engine = RecommendationEngine.build(items);
        const anchor = items[0].id;
        const similar = new Map(
          engine
            .similarItems(anchor, { similarity: 'COSINE', k: items.length, exhaustive: true })
            .map((s) => [s.itemId, s.score]),
        );
        for (const s of engine.scoreItemsForItem(
          anchor,
          items.slice(1).map((i) => i.id),
        ))
          expect(s.score).toBeCloseTo(similar.get(s.itemId) ?? 0, 9);
      }),
      { numRuns: 200 },
    );
  });
});
