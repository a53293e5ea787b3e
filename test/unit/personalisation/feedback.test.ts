import { eventTerms } from '../../../src/domain/terms';
import {
  DEFAULT_FEEDBACK,
  impressionPenalty,
  penalise,
  weakenRejectedTerms,
} from '../../../src/personalisation/feedback';

describe('feedback read into a profile', () => {
  it('weakens each term of the rejected items once, by NEGATIVE_WEIGHT', () => {
    const weights = new Map([
      ['a', 2],
      ['b', 1],
      ['c', 4],
    ]);
    const out = weakenRejectedTerms(
      weights,
      [
        ['a', 'x'],
        ['a', 'b'],
      ],
      0.25,
    );
    expect(out).toEqual(
      new Map([
        ['a', 0.5],
        ['b', 0.25],
        ['c', 4],
      ]),
    );
    expect(weights.get('a')).toBe(2);
  });

  it('NOT_INTERESTED adds no terms to the interests, on every path that asks eventTerms', () => {
    const lookup = { itemTerms: () => new Map([['a', 1]]), queryTerms: () => ['a'] };
    expect(eventTerms({ kind: 'NOT_INTERESTED', itemId: 'x', query: null }, lookup)).toBeUndefined();
    expect(eventTerms({ kind: 'VIEW', itemId: 'x', query: null }, lookup)).toEqual(new Map([['a', 1]]));
  });

  it('penalises an item shown GRACE times or more: DECAY^(n - GRACE + 1)', () => {
    const o = { ...DEFAULT_FEEDBACK, impressionDecay: 0.5, impressionGrace: 3 };
    expect([1, 2, 3, 4, 5].map((n) => impressionPenalty(n, o))).toEqual([1, 1, 0.5, 0.25, 0.125]);
  });

  it('re-ranks the top k + P by penalised score, keeping the order of ties', () => {
    const ranked = [
      { itemId: 'a', score: 0.9 },
      { itemId: 'b', score: 0.8 },
      { itemId: 'c', score: 0.8 },
      { itemId: 'd', score: 0.1 },
    ];
    const out = penalise(ranked, 3, (id) => (id === 'a' ? 0.5 : 1));
    expect(out).toEqual([
      { itemId: 'b', score: 0.8 },
      { itemId: 'c', score: 0.8 },
      { itemId: 'a', score: 0.45 },
    ]);
  });
});
