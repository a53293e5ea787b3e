import {
  isPluralTopicInCopy,
  isTopicLabel,
  standsWithoutArticle,
  takesFrontedLead,
} from '../../../src/generation/grammar';
import { canBeVerb, nounReading } from '../../../src/generation/lexicon';

describe('what the dictionary says a lead label can be', () => {
  it('reads nouns, plurals of nouns, and words that are no noun at all', () => {
    expect(nounReading('lens')).toEqual({ singular: true, plural: false });
    expect(nounReading('students')).toEqual({ singular: false, plural: true });
    expect(nounReading('children')).toEqual({ singular: false, plural: true });
    expect(nounReading('knitting')).toEqual({ singular: true, plural: false });
    expect(nounReading('upcoming')).toBeNull();
    expect(nounReading('encompasses')).toBeNull();
    expect(canBeVerb('covers')).toBe(true);
    expect(canBeVerb('history')).toBe(false);
  });

  // Each of these was a lead the parser refused on the validation split before the dictionary was asked.
  it('names no topic with a word that is no noun, a lone adjective, or a bare singular count noun', () => {
    expect(isTopicLabel('upcoming')).toBe(false);
    expect(isTopicLabel('encompasses')).toBe(false);
    expect(standsWithoutArticle('lens')).toBe(false);
    expect(standsWithoutArticle('Scottish')).toBe(false);
    expect(standsWithoutArticle('arts')).toBe(true);
    expect(standsWithoutArticle('history')).toBe(true);
    expect(standsWithoutArticle('knitting')).toBe(true);
  });

  it('fronts no lead onto a sentence that opens with a verb or a bare singular noun, or runs past 30 words', () => {
    expect(takesFrontedLead('Covers more than 550 suppliers of historically styled residential products.')).toBe(false);
    expect(takesFrontedLead('Objective is to inform chief officers of advances in management.')).toBe(false);
    expect(takesFrontedLead('Each issue covers more than 550 suppliers of residential products.')).toBe(true);
    expect(takesFrontedLead('Features include news, practical tips and reviews.')).toBe(true);
    const long = `Each issue brings ${'new and useful '.repeat(10)}ideas.`;
    expect(takesFrontedLead(long)).toBe(false);
  });

  // A singular tag ("battle") has no lead of its own ("For fans of battle" wants an article); the
  // copy's own plural does, when the copy uses it as a noun and it names no kind of person.
  it('takes the plural a sentence of the copy uses as a noun, never a verb or a kind of person', () => {
    expect(isPluralTopicInCopy('battles', 'Coverage of the strategies, leaders and battles of the Civil War.')).toBe(
      true,
    );
    expect(isPluralTopicInCopy('features', 'Each issue features new products and recipes.')).toBe(false);
    expect(isPluralTopicInCopy('battles', 'Each issue brings new products.')).toBe(false);
    expect(isPluralTopicInCopy('vegans', 'A magazine for vegans and their friends.')).toBe(false);
    expect(isPluralTopicInCopy('travelers', 'Tips and stories for travelers.')).toBe(false);
  });
});
