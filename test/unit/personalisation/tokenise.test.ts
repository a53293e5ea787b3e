import fc from 'fast-check';
import { normaliseTerm } from '../../../src/personalisation/tokenise';

/** Words with the endings pluralize's rules act on, and possessives, to build labels from. */
const WORDS = [
  'women',
  "women's",
  'womens',
  'children',
  "children's",
  'men',
  "men's",
  'people',
  'geese',
  'leaves',
  'categories',
  'news',
  'physics',
  'glasses',
  'boxes',
  'data',
  'media',
  'octopi',
  'crème',
  'brûlées',
  'Arts',
  '&',
  'Music',
  '2024',
  'sci-fi',
];
const labelArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' ')),
  fc
    .array(fc.stringMatching(/^[a-z]{1,9}(s|es|ies|ves|en|i|a|'s)?$/), { minLength: 1, maxLength: 4 })
    .map((ws) => ws.join(' ')),
);

describe('normaliseTerm', () => {
  it('is idempotent: a term normalised again is the same term', () => {
    fc.assert(
      fc.property(labelArb, (label) => {
        const term = normaliseTerm(label);
        if (term !== null) expect(normaliseTerm(term)).toBe(term);
      }),
      { numRuns: 5_000 },
    );
  });

  it('follows singular forms to the end, so a possessive and the plain word agree', () => {
    expect(normaliseTerm("Women's Interest")).toBe('woman interest');
    expect(normaliseTerm('Women')).toBe('woman');
    expect(normaliseTerm("Children's Health")).toBe('child health');
  });
});
