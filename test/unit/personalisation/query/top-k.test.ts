import fc from 'fast-check';
import { idRanks, TopK } from '../../../../src/personalisation/query/top-k';

describe('top-K heap', () => {
  it('keeps the same k as a full sort by score desc, id asc, whatever the order offered', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 10 }),
        (scores, k) => {
          const ids = scores.map((_, i) => `i${String(i).padStart(2, '0')}`);
          const top = new TopK(k, (h) => ids[h]);
          scores.forEach((s, i) => top.offer(s, i));
          const expected = scores
            .map((s, i) => ({ handle: i, score: s }))
            .filter((e) => e.score > 0)
            .sort((a, b) => b.score - a.score || a.handle - b.handle)
            .slice(0, k);
          expect(top.sorted()).toEqual(expected);
        },
      ),
    );
  });

  it('settles ties by id ranks for the handles they cover and by the ids themselves for the rest', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 40, maxLength: 40 }),
        fc.nat(40),
        fc.integer({ min: 0, max: 12 }),
        (ids, scores, ranked, k) => {
          const covered = ids.slice(0, Math.min(ranked, ids.length));
          const rank = idRanks(covered, new Map(covered.map((id, i) => [id, i])));
          const withRanks = new TopK(k, (h) => ids[h], rank);
          const plain = new TopK(k, (h) => ids[h]);
          ids.forEach((_, i) => {
            withRanks.offer(scores[i], i);
            plain.offer(scores[i], i);
          });
          expect(withRanks.sorted()).toEqual(plain.sorted());
        },
      ),
    );
  });
});
