/**
 * Focus terms reach the generator as the engine spells them. Normalising a label was not
 * idempotent for every label ("Women's Interest" -> "women interest" -> "woman interest"), so
 * normalising an item's own term again lost its slot: the text could not name it, and the
 * template printed the re-normalised words instead of the item's label. It is now idempotent;
 * these cases keep the item's own term and label either way.
 */
import { mentions } from '../../../src/generation/slots';
import { templateDescription } from '../../../src/generation/template';
import { decodingExample, focusSlot } from '../../../src/generation/vocabulary';
import { normaliseTerm } from '../../../src/personalisation/tokenise';

const item = {
  id: 'pregnancy',
  title: 'Pregnancy',
  description: null,
  brand: 'Future US Inc.',
  categories: ['Magazine Subscriptions', "Women's Interest", "Children's Health"],
  tags: ['maternity'],
};

describe('focus terms of a decoding example', () => {
  it.each([["Women's Interest"], ["Children's Health"]])('keep an item\'s own term %s as the engine spells it', (label) => {
    const term = normaliseTerm(label)!;
    // The trap this guarded against, normalising the term again changing it, is gone.
    expect(normaliseTerm(term)).toBe(term);
    const ex = decodingExample(item, [term]);
    expect(ex.focus).toEqual([term]);
    expect(focusSlot(ex.values, term)).toMatch(/^<cat\d>$/);
    const template = templateDescription(item, ex.focus);
    expect(template).toContain(`care about ${label}:`);
    expect(mentions(template, term)).toBe(true);
  });

  it('normalise a raw label that is not yet a term', () => {
    expect(decodingExample(item, ['Maternity']).focus).toEqual(['maternity']);
  });
});
