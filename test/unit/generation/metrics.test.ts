import { corpusBleu, distinct, longestCopiedRun, rougeL } from '../../../src/generation/metrics';

const w = (s: string) => s.split(' ');

describe('text metrics', () => {
  it('BLEU-4 is 1 for an identical text and 0 with no shared 4-gram', () => {
    expect(corpusBleu([w('a b c d e')], [w('a b c d e')])).toBeCloseTo(1);
    expect(corpusBleu([w('a b c d x')], [w('a b c y e')])).toBe(0);
  });

  it('ROUGE-L F1 of "a b c d" against "a c d e": LCS 3, P = R = 3/4', () => {
    expect(rougeL(w('a b c d'), w('a c d e'))).toBeCloseTo(0.75);
  });

  it('distinct-1 of "a a b" is 2/3', () => {
    expect(distinct([w('a a b')], 1)).toBeCloseTo(2 / 3);
  });

  it('finds the longest run copied from any corpus text', () => {
    expect(longestCopiedRun(w('x a b c y'), [w('a b z'), w('q a b c')])).toBe(3);
  });
});
