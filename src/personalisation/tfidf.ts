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

/**
 * Scales positive, finite weights to unit length, dropping the rest: the one L2 normalisation
 * (the engine normalises interest vectors with it).
 */
export function l2Normalise(weights: Iterable<[string, number]>): Map<string, number> {
  const kept: [string, number][] = [];
  for (const [t, w] of weights) if (w > 0 && Number.isFinite(w)) kept.push([t, w]);
  const norm = l2Norm(kept.map(([, w]) => w));
  return new Map(kept.map(([t, w]) => [t, w / norm]));
}
