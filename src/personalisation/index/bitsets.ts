/**
 * Membership bitsets of the common terms' posting lists: bit d of word d >>> 5 says item d has
 * the term. A term in at least 1/32 of the items gets one, so a bitset costs at most half the
 * doc ids it mirrors (under 0.25 bytes per posting in all); JACCARD counts the items that share
 * many common terms 32 at a time instead of reading their long lists, and COSINE bounds what a
 * candidate can still gain by the common terms it has.
 */

/** Words of 32 bits for `items` items. */
export function bitsetWords(items: number): number {
  return Math.ceil(items / 32);
}

/** Bitsets of the lists in `starts`/`docs` (CSR, by term) that hold at least 1/32 of `items`. */
export function commonTermBitsets(starts: Int32Array, docs: Int32Array, items: number): Map<number, Uint32Array> {
  const words = bitsetWords(items);
  const bitsets = new Map<number, Uint32Array>();
  for (let t = 0; t + 1 < starts.length; t++) {
    if ((starts[t + 1] - starts[t]) * 32 < items) continue;
    const bits = new Uint32Array(words);
    for (let p = starts[t]; p < starts[t + 1]; p++) bits[docs[p] >>> 5] |= 1 << (docs[p] & 31);
    bitsets.set(t, bits);
  }
  return bitsets;
}
