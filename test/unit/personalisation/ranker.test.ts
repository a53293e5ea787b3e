import { tf } from '../../../src/generation/backend';
import { FEATURE_COUNT, featureIndex, featureRows, RankerSignals } from '../../../src/personalisation/ranker/features';
import { checkModel, contributions, score } from '../../../src/personalisation/ranker/model';
import { groupMetrics, RankingGroup, trainRanker } from '../../../src/personalisation/ranker/train';
import { seededRandom } from '../../../src/util/random';

const VOTES = { historyLength: 10, historyDecay: 0.5, neighbours: 100 };

/** A history y (latest), x; candidates p, q. Hand-set pair weights and users. */
function signals(): RankerSignals {
  const users: Record<string, number> = { x: 4, y: 9, p: 4, q: 1 };
  const forward: Record<string, number> = { 'y>p': 2, 'x>p': 1, 'q>y': 1 };
  return {
    historyNewestFirst: ['y', 'x'],
    cosine: new Map([
      ['p', 0.5],
      ['q', 0.25],
    ]),
    jaccard: new Map([['p', 0.2]]),
    cosineLatest: new Map([['q', 0.8]]),
    neighbours: (id) =>
      id === 'y'
        ? [
            { itemId: 'p', sim: 0.5 },
            { itemId: 'q', sim: 0.25 },
          ]
        : id === 'x'
          ? [{ itemId: 'p', sim: 0.25 }]
          : [],
    usersOf: (id) => users[id] ?? 0,
    forward: (a, b) => forward[`${a}>${b}`] ?? 0,
    popularity: (id) => (id === 'p' ? { all: 10, week: 3, weekBefore: 0 } : { all: 1, week: 0, weekBefore: 1 }),
    facts: (id) =>
      ({
        x: { categories: ['hats'], brand: 'acme', price: 10 },
        y: { categories: ['hats', 'gloves'], brand: 'other', price: 40 },
        p: { categories: ['gloves'], brand: 'acme', price: 20 },
        q: { categories: [], brand: null, price: null },
      })[id],
  };
}

describe('ranker features, by hand', () => {
  const rows = featureRows(['p', 'q'], signals(), VOTES);
  const p = (name: string) => rows[featureIndex(name)];
  const q = (name: string) => rows[FEATURE_COUNT + featureIndex(name)];

  it('content scores pass through; collab is decayed votes over the strongest candidate', () => {
    expect(p('cosine')).toBe(0.5);
    expect(q('cosineLast')).toBe(0.8);
    expect(q('jaccard')).toBe(0);
    // p: 0.5 (latest) + 0.5 * 0.25 (second) = 0.625, the strongest; q: 0.25.
    expect(p('collab')).toBe(1);
    expect(q('collab')).toBeCloseTo(0.25 / 0.625, 12);
    expect(p('votesLatest')).toBe(0.5);
    expect(p('votesSecond')).toBe(0.25);
    expect(p('voters')).toBe(2);
  });

  it('P(item | latest) from sim: w / users(latest) = sim * sqrt(users(item) / users(latest))', () => {
    expect(p('conditionalLatest')).toBeCloseTo(0.5 * Math.sqrt(4 / 9), 12);
  });

  it('transitions read direction: p came after y and x; q came before y', () => {
    expect(p('nextAfterLatest')).toBeCloseTo(2 / Math.sqrt(9 * 4), 12);
    expect(p('nextAfterRecent')).toBeCloseTo(2 / 6 + 0.5 * (1 / Math.sqrt(4 * 4)), 12);
    expect(q('nextAfterLatest')).toBe(0);
    expect(q('beforeRecent')).toBeCloseTo(1 / Math.sqrt(9 * 1), 12);
  });

  it('popularity and trend, history length, category, brand and price', () => {
    expect(p('popularity')).toBeCloseTo(Math.log(11), 12);
    expect(p('trend')).toBeCloseTo(Math.log(4), 12);
    expect(q('trend')).toBeCloseTo(Math.log(1 / 2), 12);
    expect(p('lengthCosine')).toBeCloseTo(Math.log(3) * 0.5, 12);
    expect(p('categoryShare')).toBe(0.5); // gloves: y of x, y
    expect(p('brandShare')).toBe(0.5); // acme: x
    expect(p('priceDistance')).toBeCloseTo(Math.abs(Math.log(20) - (Math.log(10) + Math.log(40)) / 2), 12);
    expect(q('priceDistance')).toBe(0);
  });
});

describe('the learned ranker', () => {
  /**
   * Groups of 30 candidates with random features in [0, 1), where the target (a random one) was
   * bought next after the latest item: its next-after-latest transition is 1 + a random amount.
   */
  function planted(n: number, seed: number): RankingGroup[] {
    const random = seededRandom(seed);
    const next = featureIndex('nextAfterLatest');
    return Array.from({ length: n }, () => {
      const rows = new Float32Array(30 * FEATURE_COUNT).map(() => random());
      const target = Math.floor(random() * 30);
      rows[target * FEATURE_COUNT + next] += 1;
      return { rows, target };
    });
  }

  it('learns a planted next-item signal: the target first, and that feature its largest contribution', () => {
    const { model } = trainRanker(tf(), planted(600, 1), planted(100, 2), {
      knots: 2,
      epochs: 20,
      learningRate: 0.05,
      l2: 0,
      batchSize: 32,
      seed: 7,
    });
    const unseen = planted(100, 3);
    const top1 = groupMetrics(unseen, (g) => scores(g, model), 1);
    expect(top1.hr).toBeGreaterThan(0.9);
    // At random the target would be first 1 time in 30.
    const g = unseen[0];
    const row = g.rows.subarray(g.target * FEATURE_COUNT, (g.target + 1) * FEATURE_COUNT);
    const c = [...contributions(row, model)];
    expect(c.indexOf(Math.max(...c))).toBe(featureIndex('nextAfterLatest'));
    expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(score(row, model), 9);
  }, 60_000);

  it('refuses a model file whose features are not this code’s', () => {
    const { model } = trainRanker(tf(), planted(20, 4), planted(5, 5), {
      knots: 1,
      epochs: 1,
      learningRate: 0.01,
      l2: 0,
      batchSize: 8,
      seed: 1,
    });
    expect(() => checkModel(model)).not.toThrow();
    expect(() => checkModel({ ...model, features: model.features.slice(1) })).toThrow(/not this code/);
    expect(() => checkModel({ ...model, weights: model.weights.map(() => [0, 0, 0, 0, 0, 0, 0]) })).toThrow(
      /do not fit/,
    );
  }, 60_000);
});

function scores(g: RankingGroup, model: Parameters<typeof score>[1]): Float64Array {
  const n = g.rows.length / FEATURE_COUNT;
  return Float64Array.from({ length: n }, (_, c) =>
    score(g.rows.subarray(c * FEATURE_COUNT, (c + 1) * FEATURE_COUNT), model),
  );
}
