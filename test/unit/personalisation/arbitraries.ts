/**
 * Random catalogues and profiles for the engine's property tests: a skewed vocabulary, so some
 * posting lists are long and pruning has work to do.
 */
import fc from 'fast-check';

export const TERMS = Array.from({ length: 14 }, (_, i) => `t${i}`);
export const termArb = fc.integer({ min: 0, max: 99 }).map((x) => TERMS[Math.floor((x * x) / 720)]);
export const itemArb = (id: string) =>
  fc.record({
    id: fc.constant(id),
    tags: fc.array(termArb, { maxLength: 7 }),
    categories: fc.option(fc.array(termArb, { maxLength: 2 }), { nil: null }),
    brand: fc.option(termArb, { nil: null }),
  });
export const catalogueArb = fc
  .integer({ min: 0, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => itemArb(`i${i}`))));
export const rawArb = fc
  .array(fc.tuple(fc.oneof(termArb, fc.constant('unknown')), fc.double({ min: 0.01, max: 10, noNaN: true })), {
    minLength: 1,
    maxLength: 9,
  })
  .map((entries) => new Map(entries));
export const queryArb = fc.record({
  k: fc.integer({ min: 1, max: 12 }),
  excludeMask: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  topN: fc.integer({ min: 1, max: 8 }),
  diversity: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
});
