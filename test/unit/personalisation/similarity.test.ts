import { cosine, jaccard } from '../../../src/personalisation/similarity';
import { l2Normalise, smoothIdf, tfidfVector } from '../../../src/personalisation/tfidf';

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
    const v = tfidfVector(
      new Map([
        ['rare', 1],
        ['common', 1],
      ]),
      (t) => (t === 'rare' ? 3 : 1),
    );
    expect(v.get('rare')).toBeCloseTo(3 / Math.sqrt(10), 15);
    expect(v.get('common')).toBeCloseTo(1 / Math.sqrt(10), 15);
    expect([
      ...l2Normalise([
        ['a', 3],
        ['b', 4],
        ['c', 0],
      ]),
    ]).toEqual([
      ['a', 0.6],
      ['b', 0.8],
    ]);
  });
});
