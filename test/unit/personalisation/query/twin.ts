/**
 * Runs one base-segment search and its exhaustive twin on the same segment and query, for the
 * per-algorithm property tests.
 */
import fc from 'fast-check';
import { Segments } from '../../../../src/personalisation/index/segments';
import { SMOOTH_IDF, TermCounter } from '../../../../src/personalisation/index/vocabulary';
import type { BaseQuery } from '../../../../src/personalisation/query/base-query';
import { exhaustiveBase } from '../../../../src/personalisation/query/exhaustive';
import { DenseVector, Scratch } from '../../../../src/personalisation/query/scratch';
import { idRanks, TopK } from '../../../../src/personalisation/query/top-k';
import type { CatalogueItem } from '../../../../src/personalisation/engine';
import { catalogueArb, termArb } from '../arbitraries';

export type Search = (q: BaseQuery, top: TopK) => void;

/**
 * The top k of `search` and of the exhaustive scan, for a query of (term, weight) pairs with the
 * items at `excluded` positions left out.
 */
export function runTwins(
  items: CatalogueItem[],
  query: [string, number][],
  k: number,
  excluded: boolean[],
  kind: 'COSINE' | 'JACCARD',
  search: Search,
) {
  const counter = new TermCounter();
  const latest = new Map(items.map((i) => [i.id, i]));
  const segments = new Segments(
    latest.size,
    [...latest.values()].map((i) => [i.id, counter.counts(i)] as const),
    SMOOTH_IDF,
  );
  const rank = idRanks(segments.baseIds, segments.baseOf);
  const scratch = new Scratch(segments.baseIds.length);
  const terms = query.map(([t]) => segments.vocab.id(t)).filter((t): t is number => t !== undefined);
  const weights = query.filter(([t]) => segments.vocab.id(t) !== undefined).map(([, w]) => w);
  const dense = new DenseVector();
  dense.reserve(segments.vocab.size);
  dense.load(terms, weights);
  const answer = (run: Search) => {
    const stamp = scratch.next();
    segments.baseIds.forEach((_, d) => excluded[d] && (scratch.skip[d] = stamp));
    const q: BaseQuery = {
      fwd: segments.base,
      inv: segments.inv,
      dead: segments.baseDead,
      idf: segments.vocab.idf,
      scratch,
      stamp,
      query: dense.values,
      inQuery: dense.bits,
      terms,
    };
    const top = new TopK(k, segments.idOf, rank);
    run(q, top);
    return top.sorted();
  };
  return { fast: answer(search), slow: answer((q, top) => exhaustiveBase(q, kind, top)) };
}

/** The property each pruned search is held to: exactly the top K of scoring every item, with exclusions. */
export function expectTwinsAgree(kind: 'COSINE' | 'JACCARD', search: Search): void {
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
        const { fast, slow } = runTwins(items, query, k, excluded, kind, search);
        expect(fast).toEqual(slow);
      },
    ),
    { numRuns: 300 },
  );
}
