import {
  applyEvent,
  buildProfile,
  decayFactor,
  eventUpdate,
  isDuplicate,
  DAY_MS,
  ProfileState,
} from '../../src/personalisation/interests';
import { itemTermCounts, normaliseTerm, queryTerms, contentWords } from '../../src/personalisation/tokenise';

const halfLifeMs = 30 * DAY_MS;
const terms = (...ts: string[]) => new Map(ts.map((t) => [t, 1]));

describe('interest arithmetic', () => {
  it('halves a weight every half-life', () => {
    expect(decayFactor(0, 30 * DAY_MS, halfLifeMs)).toBeCloseTo(0.5, 15);
    expect(decayFactor(0, 60 * DAY_MS, halfLifeMs)).toBeCloseTo(0.25, 15);
    expect(decayFactor(5, 5, halfLifeMs)).toBe(1);
  });

  it('weights events by kind: a purchase counts five views', () => {
    const p = buildProfile(
      [
        { kind: 'VIEW', occurredAtMs: 0, terms: terms('fashion') },
        { kind: 'PURCHASE', occurredAtMs: 0, terms: terms('science') },
        { kind: 'ADD_TO_CART', occurredAtMs: 0, terms: terms('science') },
      ],
      { halfLifeMs },
    );
    expect(Object.fromEntries(p.weights)).toEqual({ fashion: 1, science: 8 });
  });

  it('gives the same relative weights whatever order events arrive in', () => {
    const events = [
      { kind: 'VIEW' as const, occurredAtMs: 10 * DAY_MS, terms: terms('a', 'b') },
      { kind: 'PURCHASE' as const, occurredAtMs: 40 * DAY_MS, terms: terms('b') },
      { kind: 'ADD_TO_CART' as const, occurredAtMs: 25 * DAY_MS, terms: terms('c') },
    ];
    const inOrder = buildProfile(events, { halfLifeMs });
    const shuffled = buildProfile([events[1], events[2], events[0]], { halfLifeMs });
    expect(inOrder.refMs).toBe(40 * DAY_MS);
    expect(shuffled.refMs).toBe(40 * DAY_MS);
    for (const t of ['a', 'b', 'c']) expect(shuffled.weights.get(t)).toBeCloseTo(inOrder.weights.get(t)!, 12);
    // a: one view 30 days before the reference -> 0.5; b: 0.5 + 5; c: 3 * 2^(-15/30).
    expect(inOrder.weights.get('a')).toBeCloseTo(0.5, 12);
    expect(inOrder.weights.get('b')).toBeCloseTo(5.5, 12);
    expect(inOrder.weights.get('c')).toBeCloseTo(3 * Math.SQRT1_2, 12);
  });

  it('describes an update as a rescale plus additions, as the SQL path applies it', () => {
    const u = eventUpdate(0, { kind: 'VIEW', occurredAtMs: 30 * DAY_MS, terms: terms('x') }, { halfLifeMs });
    expect(u.rescale).toBeCloseTo(0.5, 15);
    expect(u.refMs).toBe(30 * DAY_MS);
    const older = eventUpdate(30 * DAY_MS, { kind: 'PURCHASE', occurredAtMs: 0, terms: terms('x') }, { halfLifeMs });
    expect(older.rescale).toBe(1);
    expect(older.additions.get('x')).toBeCloseTo(2.5, 12);
    const p: ProfileState = { weights: new Map(), refMs: -Infinity };
    applyEvent(p, { kind: 'SEARCH', occurredAtMs: 7, terms: terms('q') }, { halfLifeMs });
    expect(p).toEqual({ weights: new Map([['q', 2]]), refMs: 7 });
  });

  it('ignores events after asOf, so a history can be evaluated as of a past date', () => {
    const p = buildProfile(
      [
        { kind: 'VIEW', occurredAtMs: 0, terms: terms('old') },
        { kind: 'VIEW', occurredAtMs: 10, terms: terms('future') },
      ],
      { halfLifeMs, asOfMs: 5 },
    );
    expect([...p.weights.keys()]).toEqual(['old']);
  });

  it('treats an identical event inside the window as a duplicate', () => {
    expect(isDuplicate(null, 100, 50)).toBe(false);
    expect(isDuplicate(80, 100, 50)).toBe(true);
    expect(isDuplicate(40, 100, 50)).toBe(false);
  });
});

describe('term normalisation', () => {
  it('folds case, accents, punctuation and plurals', () => {
    expect(normaliseTerm('Arts, Music & Photography')).toBe('art music and photography');
    expect(normaliseTerm('Crème Brûlées')).toBe('creme brulee');
    // Singular forms are followed to the end ("womens" -> "women" -> "woman"), so normalising is idempotent.
    expect(normaliseTerm("Women's Magazines")).toBe('woman magazine');
    expect(normaliseTerm('News')).toBe('news');
    expect(normaliseTerm('Physics')).toBe('physics');
    expect(normaliseTerm(' -- ')).toBeNull();
  });

  it('counts a term named twice by an item twice', () => {
    expect(
      itemTermCounts({
        tags: ['Music', 'guitars'],
        categories: ['Magazine Subscriptions', 'Music'],
        brand: 'String Letter',
      }),
    ).toEqual(
      new Map([
        ['music', 2],
        ['guitar', 1],
        ['magazine subscription', 1],
        ['string letter', 1],
      ]),
    );
  });

  it('finds the known terms a search names, phrases included', () => {
    const known = new Set(['science fiction', 'magazine', 'fiction']);
    expect(queryTerms('Science-Fiction magazines for the beach', (t) => known.has(t)).sort()).toEqual([
      'fiction',
      'magazine',
      'science fiction',
    ]);
    expect(queryTerms('the', () => true)).toEqual([]);
  });

  it('keeps the content words of a text', () => {
    expect(contentWords('The best recipes, and 100 new cakes!')).toEqual(['best', 'recipe', 'cake']);
  });
});
