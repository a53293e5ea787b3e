import { allSlotValues, buildLexicon, delexicalise, foreignValues, itemSlots, mentions, statedValues } from '../../../src/generation/slots';
import { cleanText, renderTokens, tokenise } from '../../../src/generation/text';
import { trainingExample, truncateSentences } from '../../../src/generation/vocabulary';

const golf = {
  id: 'g1',
  title: 'Golf Digest',
  description: 'GOLF DIGEST brings 12 issues of instruction from Conde Nast Publications for every golfer.',
  brand: 'Conde Nast Publications',
  categories: ['Magazine Subscriptions', 'Sports, Recreation & Outdoors', 'Golf'],
  tags: ['instruction', 'golfer'],
};
const cooking = { id: 'c1', title: 'Bon Appetit', description: 'Recipes.', brand: 'Conde Nast', categories: ['Magazine Subscriptions', 'Cooking'], tags: ['recipe'] };

describe('delexicalisation', () => {
  it('replaces the item\'s own title, brand, categories, tags and numbers by slots, longest first', () => {
    const out = delexicalise(tokenise(golf.description), allSlotValues(golf));
    expect(out).toEqual(['<title>', 'brings', '<num0>', 'issues', 'of', '<tag0>', 'from', '<brand>', 'for', 'every', '<tag1>', '.']);
  });

  it('orders category slots most specific first and skips the category every item has', () => {
    expect(itemSlots(golf).filter((s) => s.slot.startsWith('<cat')).map((s) => s.surface)).toEqual(['Golf', 'Sports, Recreation & Outdoors']);
  });

  it('takes as focus what the real description leads with', () => {
    expect(trainingExample(golf, 40)?.focus).toEqual(['instruction', 'conde nast publication']);
  });

  it('cuts long descriptions at a sentence end', () => {
    expect(truncateSentences(['a', 'b', 'c', 'd', 'e', 'f', '.', 'g', 'h', 'i'], 8)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', '.']);
  });
});

describe('grounding check', () => {
  const lexicon = new Set(buildLexicon([golf, cooking]));

  it('finds a brand or category the item lacks, and accepts its own', () => {
    expect(foreignValues('Golf Digest has golf instruction.', golf, lexicon)).toEqual([]);
    expect(foreignValues('Golf tips and cooking for every golfer.', golf, lexicon)).toEqual(['cooking']);
  });

  it('counts numbers the item does not have as stated values it lacks', () => {
    expect(statedValues('12 issues, 24 pages.', golf, lexicon)).toEqual([
      { value: '12', own: true },
      { value: '24', own: false },
    ]);
  });

  it('reads a longer own term as one mention ("conde nast publication" is not "conde nast")', () => {
    expect(foreignValues('From Conde Nast Publications.', golf, lexicon)).toEqual([]);
    expect(foreignValues('From Conde Nast.', golf, lexicon)).toEqual(['conde nast']);
  });

  it('matches focus terms by their normalised words', () => {
    expect(mentions('Tips for Golfers.', 'golfer')).toBe(true);
    expect(mentions('Tips for golf.', 'golfer')).toBe(false);
  });
});

describe('text', () => {
  it('strips HTML and entities', () => {
    expect(cleanText('<b>Arts, Music &amp; Photography</b>&nbsp;x')).toBe('Arts, Music & Photography x');
  });

  it('renders clean sentences: capitalised, no space before punctuation, one closing full stop', () => {
    expect(renderTokens(['the', 'best', ',', 'for', 'you', '.', 'every', 'month', ':', '(', 'really', ')', ','])).toBe('The best, for you. Every month: (really).');
    expect(renderTokens([',', 'a', '(', 'b'])).toBe('A b.');
    // A symbol cannot open a sentence (a tiny model once began a text with "&" from "Home & Garden").
    expect(renderTokens(['&', 'home', '&', 'garden', '.', '&', 'more', '+', 'tips'])).toBe('Home & garden. More + tips.');
    expect(renderTokens(['$', '5', 'an', 'issue'])).toBe('$5 an issue.');
    expect(renderTokens(['(', 'monthly', ')', 'news', '.', '(', 'and', 'more', ')'])).toBe('Monthly news. And more.');
  });
});
