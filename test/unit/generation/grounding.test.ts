import { generate } from '../../../src/generation/decode';
import { buildLexicon, foreignValues, itemSlots } from '../../../src/generation/slots';
import { decodingExample } from '../../../src/generation/vocabulary';
import { normaliseTerm } from '../../../src/personalisation/tokenise';
import { asBundle } from '../../../src/generation/store';
import { sampleItems, trainTiny } from './fixtures';

describe('generated descriptions on every item of the shipped sample', () => {
  const items = sampleItems();
  const lexicon = new Set(buildLexicon(items));
  let texts: { text: string; highlights: string[]; focus: string[] }[] = [];

  beforeAll(async () => {
    // A tiny model: grounding comes from the decoding constraints, whatever the weights (the shipped
    // model takes over a minute on 300 items on this CPU).
    const bundle = asBundle(trainTiny());
    // Focus: two of the item's own terms, as a user sharing them would bring.
    const examples = items.map((item) => decodingExample(item, itemSlots(item).filter((s) => s.slot !== '<title>').slice(0, 2).map((s) => normaliseTerm(s.surface)!)));
    texts = (await generate(bundle, examples, { candidates: 3, maxTokens: 36, minTokens: 8, temperature: 0.8, focusBoost: 1.5, seed: 0 })).map((g, i) => ({ ...g, focus: examples[i].focus }));
  }, 120_000); // training, on a CPU shared with the other test files

  it('never names a brand or category the item lacks', () => {
    const violations = items.map((item, i) => ({ id: item.id, foreign: foreignValues(texts[i].text, item, lexicon) })).filter((v) => v.foreign.length > 0);
    expect(violations).toEqual([]);
  });

  it('writes clean text: no slot or special tokens, capitalised, ends a sentence, no repeated trigram', () => {
    for (const { text } of texts) {
      expect(text).not.toMatch(/<[a-z]+\d*>/);
      expect(text.charAt(0)).toMatch(/[A-Z0-9"'$]/);
      expect(text).toMatch(/[.!?]$/);
      const words = text.toLowerCase().split(/\s+/);
      const grams = words.slice(2).map((_, i) => words.slice(i, i + 3).join(' '));
      expect({ text, repeated: new Set(grams).size < grams.length }).toEqual({ text, repeated: false });
    }
  });

  it('highlights only focus terms the text names', () => {
    for (const t of texts) for (const h of t.highlights) expect(t.focus).toContain(h);
    const covered = texts.filter((t) => t.focus.length > 0 && t.highlights.length > 0).length;
    expect(covered / texts.filter((t) => t.focus.length > 0).length).toBeGreaterThanOrEqual(0.9);
  });
});
