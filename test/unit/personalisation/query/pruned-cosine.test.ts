import { prunedCosine } from '../../../../src/personalisation/query/pruned-cosine';
import { expectTwinsAgree } from './twin';

describe('prunedCosine against its exhaustive twin', () => {
  it('keeps exactly the top K of scoring every item, with exclusions', () => expectTwinsAgree('COSINE', prunedCosine));
});
