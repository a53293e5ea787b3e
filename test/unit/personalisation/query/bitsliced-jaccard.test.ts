import { prunedJaccard } from '../../../../src/personalisation/query/bitsliced-jaccard';
import { expectTwinsAgree } from './twin';

describe('prunedJaccard against its exhaustive twin', () => {
  it('keeps exactly the top K of scoring every item, with exclusions', () =>
    expectTwinsAgree('JACCARD', prunedJaccard));
});
