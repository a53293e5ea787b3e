/** Reasons: the shared terms that explain a score, the strongest first. */
import type { WeightedTerm } from '../../domain/recommendation';
import type { ForwardStore } from '../index/forward-store';
import { termWeight } from '../similarity';

/** How many reasons a result carries. */
export const REASONS = 5;

export interface ReasonCandidate extends WeightedTerm {
  /** Ordering key, larger first (the weight itself for COSINE, the user's weight for JACCARD). */
  order: number;
}

/** The `limit` reasons with the largest order key, ties by term; weights as given. */
export function topReasons(reasons: ReasonCandidate[], limit: number): WeightedTerm[] {
  return reasons
    .sort((a, b) => b.order - a.order || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
    .slice(0, limit)
    .map(({ term, weight }) => ({ term, weight }));
}

/**
 * The terms item d (in `fwd`) shares with the query (dense by term id, > 0 on its terms) that
 * contribute most: q_t * w_t for COSINE; 1 / |U ∪ I| each for JACCARD, ordered by the user's
 * weight (`querySize` = |U|).
 */
export function explain(
  fwd: ForwardStore,
  d: number,
  terms: readonly string[],
  idf: Float64Array,
  query: Float64Array,
  cosine: boolean,
  querySize: number,
): WeightedTerm[] {
  const shared: ReasonCandidate[] = [];
  for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++) {
    const t = fwd.termIds[p];
    const q = query[t];
    if (q > 0) {
      const weight = cosine ? q * termWeight(fwd.tfs[p], idf[t], fwd.norms[d]) : 0;
      shared.push({ term: terms[t], weight, order: q });
    }
  }
  if (cosine) for (const r of shared) r.order = r.weight;
  else {
    const each = 1 / (querySize + (fwd.offsets[d + 1] - fwd.offsets[d]) - shared.length);
    for (const r of shared) r.weight = each;
  }
  return topReasons(shared, REASONS);
}
