/**
 * The two similarity measures, once as the canonical per-document scoring functions every
 * search path calls (so pruned and exhaustive scores are bit-identical) and once as the slow
 * obvious definitions over maps and sets that tests check them against.
 */

/** An item's TF-IDF weight of one term: tf * idf / ||item||, always evaluated in this order. */
export function termWeight(tf: number, idf: number, norm: number): number {
  return (tf * idf) / norm;
}

/**
 * Cosine of a unit query vector (dense by term id, zero elsewhere) and one item stored in a
 * forward index at positions [start, end): the dot product, summed in the item's term order.
 * `inQuery` is a bitset of the query's terms: small enough to stay in L1 cache, so the few
 * terms an item shares with the query are the only ones that touch the large arrays.
 */
export function cosineDoc(
  termIds: Int32Array,
  tfs: Uint16Array,
  start: number,
  end: number,
  norm: number,
  idf: Float64Array,
  query: Float64Array,
  inQuery: Uint32Array,
): number {
  let sum = 0;
  for (let p = start; p < end; p++) {
    const t = termIds[p];
    if (((inQuery[t >>> 5] >>> (t & 31)) & 1) === 0) continue;
    sum += query[t] * termWeight(tfs[p], idf[t], norm);
  }
  return sum;
}

/** |U ∩ I| / |U ∪ I| from the size of the intersection and of both sets. */
export function jaccardFromCounts(shared: number, querySize: number, itemSize: number): number {
  return shared === 0 ? 0 : shared / (querySize + itemSize - shared);
}

/** Jaccard of the query set (the bitset `inQuery`, |U| = querySize) and one item's terms at [start, end). */
export function jaccardDoc(
  termIds: Int32Array,
  start: number,
  end: number,
  inQuery: Uint32Array,
  querySize: number,
): number {
  let shared = 0;
  for (let p = start; p < end; p++) {
    const t = termIds[p];
    shared += (inQuery[t >>> 5] >>> (t & 31)) & 1;
  }
  return jaccardFromCounts(shared, querySize, end - start);
}

/** Cosine of two sparse vectors: the obvious definition (DESIGN.md's worked example is a test). */
export function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, x] of a) {
    na += x * x;
    const y = b.get(t);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** |A ∩ B| / |A ∪ B|; 0 for two empty sets. */
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return jaccardFromCounts(shared, a.size, b.size);
}
