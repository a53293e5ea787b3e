/**
 * The exhaustive twin of every pruned search: scores each live, allowed item of the base
 * segment with the canonical per-document function. Tests and the benchmark hold the pruned
 * algorithms to it; the engine also takes it where scoring every item is cheaper.
 */
import type { BaseQuery } from './base-query';
import type { TopK } from './top-k';

/** Scores every live, allowed base item exactly: the obvious path the pruned one must match. */
export function exhaustiveBase(q: BaseQuery, kind: 'COSINE' | 'JACCARD', top: TopK): void {
  const { fwd, dead, scratch, stamp, query, idf, inQuery, allowed } = q;
  const size = q.terms.length;
  for (let d = 0; d < fwd.count; d++) {
    if (dead[d] === 1 || scratch.skip[d] === stamp || (allowed !== undefined && allowed[d] === 0)) continue;
    top.offer(kind === 'COSINE' ? fwd.cosine(d, idf, query, inQuery) : fwd.jaccard(d, inQuery, size), d);
  }
}

/**
 * The same over a list of base documents only (ascending, the allowed ones): what a filter few
 * items pass takes, since scoring those few costs less than walking the query's postings.
 */
export function exhaustiveList(q: BaseQuery, kind: 'COSINE' | 'JACCARD', top: TopK, list: Int32Array): void {
  const { fwd, dead, scratch, stamp, query, idf, inQuery } = q;
  const size = q.terms.length;
  for (let i = 0; i < list.length; i++) {
    const d = list[i];
    if (d >= fwd.count) break;
    if (dead[d] === 1 || scratch.skip[d] === stamp) continue;
    top.offer(kind === 'COSINE' ? fwd.cosine(d, idf, query, inQuery) : fwd.jaccard(d, inQuery, size), d);
  }
}
