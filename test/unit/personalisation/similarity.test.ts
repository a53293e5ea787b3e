import fc from 'fast-check';
import { cosine, jaccard } from '../../../src/personalisation/similarity';
import { l2Normalise, smoothIdf, tfidfVector } from '../../../src/personalisation/tfidf';
import { idRanks, mmr, TopK } from '../../../src/personalisation/rank';

const vec = (xs: number[]) => new Map(xs.map((x, i) => [`t${i}`, x]));

describe('similarity measures on hand-checked cases', () => {
  it('cosine of (1,2,2,3,3,3) and (2,2,1,1,1,1) is 17 / (6 sqrt 12)', () => {
    expect(cosine(vec([1, 2, 2, 3, 3, 3]), vec([2, 2, 1, 1, 1, 1]))).toBeCloseTo(17 / (6 * Math.sqrt(12)), 12);
    expect(cosine(vec([1, 2, 2, 3, 3, 3]), vec([2, 2, 1, 1, 1, 1]))).toBeCloseTo(0.8179, 4);
  });

  it('jaccard counts shared over all: {a,b,c} and {b,c,d} is 2/4', () => {
    expect(jaccard(new Set(['a', 'b', 'c']), new Set(['b', 'c', 'd']))).toBe(0.5);
    expect(jaccard(new Set(), new Set())).toBe(0);
  });

  it('smooth idf: ln((1+N)/(1+df)) + 1, so a term in every item still weighs 1', () => {
    expect(smoothIdf(3, 3)).toBe(1);
    expect(smoothIdf(3, 1)).toBeCloseTo(Math.log(2) + 1, 15);
  });

  it('tf-idf vectors are unit length and weight rare terms up', () => {
    const v = tfidfVector(new Map([['rare', 1], ['common', 1]]), (t) => (t === 'rare' ? 3 : 1));
    expect(v.get('rare')).toBeCloseTo(3 / Math.sqrt(10), 15);
    expect(v.get('common')).toBeCloseTo(1 / Math.sqrt(10), 15);
    expect([...l2Normalise([['a', 3], ['b', 4], ['c', 0]])]).toEqual([['a', 0.6], ['b', 0.8]]);
  });
});

describe('top-K heap', () => {
  it('keeps the same k as a full sort by score desc, id asc, whatever the order offered', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 60 }), fc.integer({ min: 0, max: 10 }), (scores, k) => {
        const ids = scores.map((_, i) => `i${String(i).padStart(2, '0')}`);
        const top = new TopK(k, (h) => ids[h]);
        scores.forEach((s, i) => top.offer(s, i));
        const expected = scores
          .map((s, i) => ({ handle: i, score: s }))
          .filter((e) => e.score > 0)
          .sort((a, b) => b.score - a.score || a.handle - b.handle)
          .slice(0, k);
        expect(top.sorted()).toEqual(expected);
      }),
    );
  });

  it('settles ties by id ranks for the handles they cover and by the ids themselves for the rest', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 40, maxLength: 40 }), fc.nat(40), fc.integer({ min: 0, max: 12 }), (ids, scores, ranked, k) => {
        const covered = ids.slice(0, Math.min(ranked, ids.length));
        const rank = idRanks(covered, new Map(covered.map((id, i) => [id, i])));
        const withRanks = new TopK(k, (h) => ids[h], rank);
        const plain = new TopK(k, (h) => ids[h]);
        ids.forEach((_, i) => {
          withRanks.offer(scores[i], i);
          plain.offer(scores[i], i);
        });
        expect(withRanks.sorted()).toEqual(plain.sorted());
      }),
    );
  });
});

describe('MMR', () => {
  it('with diversity 0 keeps the relevance order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), fc.integer({ min: 0, max: 40 }), (rel, k) => {
        const sorted = [...rel].sort((a, b) => b - a);
        expect(mmr(sorted, k, 0, () => 1)).toEqual(sorted.slice(0, k).map((_, i) => i));
      }),
    );
  });

  it('skips a near-duplicate of the first pick when diversity is high', () => {
    // Items 0 and 1 are the same thing; 2 is different and a little less relevant.
    const sim = (i: number, j: number) => (i === j || (i < 2 && j < 2) ? 1 : 0);
    expect(mmr([0.9, 0.85, 0.8], 2, 0.5, sim)).toEqual([0, 2]);
    expect(mmr([0.9, 0.85, 0.8], 2, 0.01, sim)).toEqual([0, 1]);
  });
});
