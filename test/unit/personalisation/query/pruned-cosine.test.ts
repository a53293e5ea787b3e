import fc from 'fast-check';
import { prunedCosine } from '../../../../src/personalisation/query/pruned-cosine';
import { catalogueArb, termArb } from '../arbitraries';
import { runTwins } from './twin';

describe('prunedCosine against its exhaustive twin', () => {
  it('keeps exactly the top K of scoring every item, with exclusions', () => {
    const queryArb = fc.uniqueArray(fc.tuple(termArb, fc.double({ min: 0.01, max: 1, noNaN: true })), {
      selector: ([t]) => t,
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(
        catalogueArb,
        queryArb,
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        (items, query, k, excluded) => {
          const { fast, slow } = runTwins(items, query, k, excluded, 'COSINE', prunedCosine);
          expect(fast).toEqual(slow);
        },
      ),
      { numRuns: 300 },
    );
  });
});
