import fc from 'fast-check';
import {
  CoOccurrence,
  collabScores,
  pairsForNewItem,
  pairsOfHistory,
  userCollab,
} from '../../../src/personalisation/collab';
import { RecommendationEngine } from '../../../src/personalisation/engine';
import { hybridRank } from '../../../src/personalisation/hybrid';

const OPTS = { window: 2, backwardWeight: 0.5, historyLength: 3, historyDecay: 0.5, neighbours: 100 };

describe('co-occurrence, by hand', () => {
  it('pairs each new item with the window before it, forward 1 and backward 0.5, repeats counted once', () => {
    const pairs = pairsOfHistory(['a', 'b', 'a', 'c', 'd'], OPTS);
    const w = new Map(pairs.map((p) => [`${p.a}>${p.b}`, p.weight]));
    // Sequence a, b, c, d with a window of 2: (a,b) (a,c) (b,c) (b,d) (c,d).
    expect(w).toEqual(
      new Map([
        ['a>b', 1],
        ['b>a', 0.5],
        ['a>c', 1],
        ['c>a', 0.5],
        ['b>c', 1],
        ['c>b', 0.5],
        ['b>d', 1],
        ['d>b', 0.5],
        ['c>d', 1],
        ['d>c', 0.5],
      ]),
    );
  });

  it('normalises by the users of both items and votes with decaying recent history', () => {
    const co = new CoOccurrence(OPTS);
    co.addHistory(['a', 'b']);
    co.addHistory(['a', 'b', 'c']);
    co.addHistory(['c']);
    // users: a 2, b 2, c 2; w(a>b) = 2, w(b>c) = 1, w(a>c) = 1.
    expect(co.neighbours('a')).toEqual([
      { itemId: 'b', sim: 2 / Math.sqrt(2 * 2) },
      { itemId: 'c', sim: 1 / Math.sqrt(2 * 2) },
    ]);
    // History newest first: b (decay 1), a (decay 0.5).
    const scores = collabScores(['b', 'a'], (id) => co.neighbours(id), OPTS);
    expect(scores.get('c')).toBeCloseTo(0.5 + 0.5 * 0.5, 12);
    expect(scores.get('a')).toBeCloseTo(1 / 2, 12);
    expect(userCollab(['b', 'a'], (id) => co.neighbours(id), OPTS).evidence('c')).toEqual([
      { itemId: 'b', contribution: 0.5 },
      { itemId: 'a', contribution: 0.25 },
    ]);
  });

  it('folding items in one by one gives the pairs of the whole history', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 12 }),
        fc.integer({ min: 1, max: 4 }),
        (history, window) => {
          const opts = { window, backwardWeight: 0.5 };
          const sums = new Map<string, number>();
          const seen: string[] = [];
          for (const x of history) {
            if (seen.includes(x)) continue;
            for (const p of pairsForNewItem([...seen].reverse(), x, opts))
              sums.set(`${p.a}>${p.b}`, (sums.get(`${p.a}>${p.b}`) ?? 0) + p.weight);
            seen.push(x);
          }
          expect(new Map(pairsOfHistory(history, opts).map((p) => [`${p.a}>${p.b}`, p.weight]))).toEqual(sums);
        },
      ),
    );
  });
});

describe('hybridRank is exact: the same top-K as blending every item', () => {
  const TERMS = ['t0', 't1', 't2', 't3', 't4', 't5'];
  const world = fc.record({
    items: fc.uniqueArray(
      fc.record({
        id: fc.constantFrom(...'abcdefghijklmnop'.split('')),
        tags: fc.array(fc.constantFrom(...TERMS), { maxLength: 4 }),
      }),
      {
        selector: (i) => i.id,
        minLength: 2,
      },
    ),
    histories: fc.array(fc.array(fc.constantFrom(...'abcdefghijklmnop'.split('')), { maxLength: 6 }), { maxLength: 8 }),
    user: fc.array(fc.constantFrom(...'abcdefghijklmnop'.split('')), { maxLength: 5 }),
    profile: fc.array(fc.tuple(fc.constantFrom(...TERMS), fc.double({ min: 0.1, max: 5, noNaN: true })), {
      maxLength: 4,
    }),
    alpha: fc.constantFrom(0, 0.25, 0.4, 1),
    k: fc.integer({ min: 1, max: 8 }),
  });

  it('for users, with their history excluded', () => {
    fc.assert(
      fc.property(world, ({ items, histories, user, profile, alpha, k }) => {
        const engine = RecommendationEngine.build(items);
        const co = new CoOccurrence(OPTS);
        for (const h of histories) co.addHistory(h);
        const raw = new Map(profile);
        const newest = [...new Set([...user].reverse())];
        const collab = userCollab(newest, (id) => co.neighbours(id), OPTS);
        const exclude = new Set(user);
        const got = hybridRank(engine, { profile: raw }, collab, { alpha, k, exclude });

        // Brute force: every item, scored by the formula.
        const live = items.map((i) => i.id).filter((id) => !exclude.has(id));
        const max = Math.max(0, ...live.map((id) => collab.scores.get(id) ?? 0));
        const cos = new Map(engine.scoreItems(raw, live).map((s) => [s.itemId, s.score]));
        const expected = live
          .map((id) => ({
            id,
            score: alpha * (cos.get(id) ?? 0) + (1 - alpha) * (max > 0 ? (collab.scores.get(id) ?? 0) / max : 0),
          }))
          .filter((e) => e.score > 0)
          .sort((x, y) => y.score - x.score || (x.id < y.id ? -1 : 1))
          .slice(0, k);
        expect(got.map((g) => g.score)).toHaveLength(expected.length);
        got.forEach((g, i) => expect(g.score).toBeCloseTo(expected[i].score, 9));
        // Ties may order differently only between equal scores.
        got.forEach(
          (g, i) => g.itemId !== expected[i].id && expect(Math.abs(g.score - expected[i].score)).toBeLessThan(1e-9),
        );
        for (const g of got) {
          const explained =
            g.reasons.reduce((s, r) => s + r.weight, 0) + g.boughtTogether.reduce((s, b) => s + b.contribution, 0);
          expect(explained).toBeLessThanOrEqual(g.score + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });
});
