/**
 * The writer on hand-made and random catalogues: budgets, anaphora, leads, generic order, and a
 * property test that every claim of every text is found in its field, that the claims cover the
 * text but connecting words, and that no text names a number, brand or category the item lacks.
 */
import fc from 'fast-check';
import { prepare } from '../../../src/generation/prepare';
import { COMPOSED_CONNECTIVES } from '../../../src/generation/compose';
import type { ItemFacts } from '../../../src/generation/facts';
import { catalogueLexicon, claimFound, foreignValues, uncoveredWords } from '../../../src/generation/grounding';
import { BUILTIN_FORMS } from '../../../src/generation/lead';
import { bundledModelDir, importVersion, toCopyModel } from '../../../src/generation/versions';
import { UNTRAINED, write } from '../../../src/generation/writer';
import { normaliseTerm, words } from '../../../src/personalisation/tokenise';
import { homeBeautyItems } from './fixtures';

const trained = toCopyModel(importVersion(bundledModelDir()));
const countWords = (text: string) => text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
const CONNECTIVES = new Set(
  [...BUILTIN_FORMS, ...trained.inventory]
    .flatMap((f) => words(`${f.words} ${f.after ?? ''}`))
    .concat(words(COMPOSED_CONNECTIVES.join(' '))),
);

const fishing: ItemFacts = {
  id: 'fly-1',
  title: 'Northwest Fly Fishing',
  brand: 'Salmon Press',
  categories: ['Magazines', 'Sports', 'Fly Fishing'],
  tags: ['fly fishing', 'montana', 'gear'],
  price: 24.95,
  description:
    'Northwest Fly Fishing is the magazine of choice for anglers in the Pacific Northwest. It also covers Montana and Idaho. ' +
    'Each issue features six destinations, with maps and photographs. Our gear reviews test rods, reels and waders in real rivers.',
};

describe('the writer', () => {
  it("opens with the sentence that names the reader's interest, never with one that needs the sentence before", () => {
    const p = prepare(fishing);
    const gear = write(p, { focus: ['gear'], maxWords: 60 }, UNTRAINED);
    expect(gear.text).toMatch(/^(?:For [^,]+, o|O)ur gear reviews test rods/);
    const montana = write(p, { focus: ['montana'], maxWords: 60 }, UNTRAINED);
    // "It also covers Montana" names the interest but cannot open the text.
    expect(montana.text.startsWith('It also')).toBe(false);
    expect(gear.text).not.toBe(montana.text);
  });

  it("writes generic copy as the description's own opening, whole sentences in order, within the budget", () => {
    const p = prepare(fishing);
    const generic = write(p, { focus: [], maxWords: 25 }, trained);
    expect(
      generic.text.startsWith(
        'Northwest Fly Fishing is the magazine of choice for anglers in the Pacific Northwest. It also covers Montana and Idaho.',
      ),
    ).toBe(true);
    expect(countWords(generic.text)).toBeLessThanOrEqual(25);
    expect(generic.lead).toBe(false);
  });

  it('shortens sentences to fit a small budget and composes from the fields when nothing fits', () => {
    const p = prepare(fishing);
    for (const maxWords of [15, 20, 25, 60, 200]) {
      for (const model of [UNTRAINED, trained])
        expect(countWords(write(p, { focus: ['gear'], maxWords }, model).text)).toBeLessThanOrEqual(maxWords);
    }
    const long = prepare({
      ...fishing,
      description: `${'Rivers and lakes and streams and ponds '.repeat(5)}are where every angler in the region goes to fish in spring.`,
    });
    const composed = write(long, { focus: [], maxWords: 15 }, UNTRAINED);
    expect(composed.composed).toBe(true);
    expect(composed.text).toBe(
      'Northwest Fly Fishing is from Salmon Press. It is listed under Fly Fishing and Sports.',
    );
  });

  it('writes fluent, traced copy for a shop in another domain, naming no kind of product', () => {
    for (const item of homeBeautyItems()) {
      const p = prepare(item);
      const focus = [...item.tags.slice(0, 1), ...item.categories.slice(-1)].map((t) => normaliseTerm(t)!);
      const w = write(p, { focus, maxWords: 60 }, UNTRAINED);
      expect(w.text).not.toMatch(/magazine/i);
      for (const c of w.claims) expect(claimFound(item, c)).toBe(true);
      const keys = words(Object.keys(item.attributes ?? {}).join(' '));
      expect(uncoveredWords(w.text, w.claims).filter((x) => !CONNECTIVES.has(x) && !keys.includes(x))).toEqual([]);
    }
  });
});

/** Random catalogues: words from a small vocabulary, sentences with numbers, prices, asides and lists. */
const word = fc.constantFrom(
  'garden',
  'river',
  'kitchen',
  'photos',
  'recipes',
  'travel',
  'stories',
  'tools',
  'maps',
  'news',
  'lakes',
  'design',
  'music',
  'art',
  'craft',
);
const sentence = fc
  .tuple(
    fc.constantFrom('The magazine', 'Each issue', 'This guide', 'Our editors', 'It', 'Readers', 'Home & Garden'),
    fc.constantFrom('covers', 'brings you', 'reviews', 'features', 'offers'),
    fc.array(word, { minLength: 1, maxLength: 6 }),
    fc.option(fc.constantFrom(' (since 1990)', ' for $4.99', ' in 2.5 hours', ', including No. 1 picks', '; and more')),
    fc.constantFrom('.', '!', '.'),
  )
  .map(
    ([s, v, objects, extra, end]) =>
      `${s} ${v} ${objects.length > 2 ? `${objects.slice(0, -1).join(', ')} and ${objects[objects.length - 1]}` : objects.join(' and ')}${extra ?? ''}${end}`,
  );
const label = fc
  .array(word, { minLength: 1, maxLength: 3 })
  .map((ws) => ws.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' '));
const catalogueItem = fc.record({
  id: fc.uuid(),
  title: label,
  brand: fc.option(label, { nil: null }),
  categories: fc.array(label, { maxLength: 4 }),
  tags: fc.array(word, { maxLength: 5 }),
  price: fc.option(
    fc.integer({ min: 1, max: 50000 }).map((c) => c / 100),
    { nil: null },
  ),
  description: fc.option(
    fc.array(sentence, { minLength: 1, maxLength: 8 }).map((s) => s.join(' ')),
    { nil: null },
  ),
  attributes: fc.constant({ format: 'Print' }),
});

describe('grounding on random catalogues', () => {
  it('every claim is found in its field, claims cover the text but connecting words, nothing foreign is named', () => {
    fc.assert(
      fc.property(
        fc.array(catalogueItem, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 15, max: 200 }),
        fc.boolean(),
        (items, maxWords, useTrained) => {
          const lexicon = catalogueLexicon(items);
          for (const item of items) {
            const p = prepare(item);
            const focus = [
              ...new Set(
                [...item.tags, ...item.categories].map((t) => normaliseTerm(t)).filter((t): t is string => t !== null),
              ),
            ].slice(0, 2);
            const w = write(p, { focus, maxWords }, useTrained ? trained : UNTRAINED);
            for (const c of w.claims) expect(claimFound(item, c)).toBe(true);
            expect(uncoveredWords(w.text, w.claims).filter((x) => !CONNECTIVES.has(x) && x !== 'format')).toEqual([]);
            expect(foreignValues(w.text, item, lexicon)).toEqual([]);
            if (!w.composed) expect(countWords(w.text)).toBeLessThanOrEqual(maxWords);
            for (const h of w.highlights) expect(focus).toContain(h);
          }
        },
      ),
      { numRuns: 60, seed: 13 },
    );
  });
});
