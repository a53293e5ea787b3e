/** Smooth IDF, L2 norms and normalisation, TF-IDF vectors: the feature definitions the engine exposes. */
import { termWeight } from './similarity';

/** scikit-learn's smooth IDF, ln((1 + N) / (1 + df)) + 1: never zero, so a term every item has still counts. */
export function smoothIdf(itemCount: number, df: number): number {
  return Math.log((1 + itemCount) / (1 + df)) + 1;
}

/** sqrt(sum w^2), summed in the given order so every caller gets the same bits. */
export function l2Norm(weights: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i] * weights[i];
  return Math.sqrt(sum);
}

/**
 * Scales the entries' weights in place to unit length (the one L2 normalisation: the sum of
 * squares in the entries' order, as l2Norm sums). The caller keeps only positive, finite weights.
 */
export function scaleToUnit<T extends { weight: number }>(entries: T[]): T[] {
  let sum = 0;
  for (const e of entries) sum += e.weight * e.weight;
  const norm = Math.sqrt(sum);
  for (const e of entries) e.weight /= norm;
  return entries;
}

/** sqrt(sum (tf * idf)^2): the norm of a TF-IDF vector (ForwardStore.setNorm computes it in place). */
export function tfidfNorm(tfs: ArrayLike<number>, idfs: ArrayLike<number>): number {
  return l2Norm(Array.from(tfs, (tf, i) => tf * idfs[i]));
}

/** The obvious L2-normalised TF-IDF vector of term counts (the reference the index is tested against). */
export function tfidfVector(counts: ReadonlyMap<string, number>, idf: (term: string) => number): Map<string, number> {
  const terms = [...counts.keys()];
  const tfs = terms.map((t) => counts.get(t)!);
  const idfs = terms.map(idf);
  const norm = tfidfNorm(tfs, idfs);
  return new Map(terms.map((t, i) => [t, termWeight(tfs[i], idfs[i], norm)]));
}

/** Scales positive, finite weights to unit length, dropping the rest. */
export function l2Normalise(weights: Iterable<[string, number]>): Map<string, number> {
  const kept: { term: string; weight: number }[] = [];
  for (const [term, weight] of weights) if (weight > 0 && Number.isFinite(weight)) kept.push({ term, weight });
  return new Map(scaleToUnit(kept).map((e) => [e.term, e.weight]));
}
