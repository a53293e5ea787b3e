import fc from 'fast-check';
import { mmr } from '../../../../src/personalisation/query/mmr';

describe('MMR', () => {
  it('with diversity 0 keeps the relevance order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 40 }),
        (rel, k) => {
          const sorted = [...rel].sort((a, b) => b - a);
          expect(mmr(sorted, k, 0, () => 1)).toEqual(sorted.slice(0, k).map((_, i) => i));
        },
      ),
    );
  });

  it('skips a near-duplicate of the first pick when diversity is high', () => {
    // Items 0 and 1 are the same thing; 2 is different and a little less relevant.
    const sim = (i: number, j: number) => (i === j || (i < 2 && j < 2) ? 1 : 0);
    expect(mmr([0.9, 0.85, 0.8], 2, 0.5, sim)).toEqual([0, 2]);
    expect(mmr([0.9, 0.85, 0.8], 2, 0.01, sim)).toEqual([0, 1]);
  });
});
