import { hitAt, Mean, ndcgAt, ndcgSetAt, recallAt } from '../../../src/evaluation/metrics';
import { alsoBuyLinks } from '../../../src/evaluation/item-to-item';
import { cases, popularity } from '../../../src/evaluation/leave-one-out';
import { byUser, EvalInteraction } from '../../../src/evaluation/data';

describe('ranking metrics on hand-checked cases', () => {
  const ranked = ['a', 'b', 'c', 'd'];

  it('HR@k and NDCG@k of one target', () => {
    expect(hitAt(ranked, 'c', 3)).toBe(1);
    expect(hitAt(ranked, 'd', 3)).toBe(0);
    expect(ndcgAt(ranked, 'a', 10)).toBe(1);
    expect(ndcgAt(ranked, 'c', 10)).toBeCloseTo(0.5, 15); // 1 / log2(4)
    expect(ndcgAt(ranked, 'z', 10)).toBe(0);
  });

  it('Recall@k and NDCG@k of a relevant set', () => {
    expect(recallAt(ranked, new Set(['b', 'z']), 10)).toBe(0.5);
    // DCG = 1/log2(3); ideal for two relevant = 1 + 1/log2(3).
    expect(ndcgSetAt(ranked, new Set(['b', 'z']), 10)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 15);
    expect(ndcgSetAt(ranked, new Set(['a', 'b']), 10)).toBe(1);
  });

  it('means', () => {
    const m = new Mean();
    [1, 0, 0, 1].forEach((x) => m.add(x));
    expect(m.value).toBe(0.5);
  });
});

describe('evaluation protocols', () => {
  const e = (userId: string, itemId: string, t: number): EvalInteraction => ({
    userId,
    itemId,
    kind: 'PURCHASE',
    occurredAtMs: t,
    query: null,
  });
  const users = byUser([e('u', 'a', 1), e('u', 'b', 2), e('u', 'c', 3), e('v', 'a', 1), e('v', 'b', 2)]);

  it('leave-one-out hides the last item (and the one before for validation)', () => {
    const test = cases(users, 'test');
    expect(test.map((c) => [c.history.map((h) => h.itemId), c.target.itemId])).toEqual([
      [['a', 'b'], 'c'],
      [['a'], 'b'],
    ]);
    expect(cases(users, 'valid').map((c) => [c.history.map((h) => h.itemId), c.target.itemId])).toEqual([[['a'], 'b']]);
  });

  it('popularity counts histories only, never a target', () => {
    expect(popularity(cases(users, 'test'))).toEqual(['a', 'b']);
  });

  it('also_buy links keep only other items of the catalogue', () => {
    const item = (id: string, alsoBuy: string[]) => ({
      id,
      tags: [],
      categories: [],
      brand: null,
      attributes: { also_buy: alsoBuy },
    });
    expect(alsoBuyLinks([item('x', ['y', 'x', 'outside']), item('y', [])])).toEqual(new Map([['x', new Set(['y'])]]));
  });
});
