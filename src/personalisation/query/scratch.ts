/**
 * Per-query working memory, allocated once per segment and reused by every query (JavaScript
 * runs one at a time): stamps instead of clearing, COSINE's candidate buffers and window,
 * JACCARD's rare-term levels, and the dense query vector every scoring function reads.
 */
import type { ForwardStore } from '../index/forward-store';
import { termWeight } from '../similarity';

/**
 * Documents per window of the grouped pass: their partial sums (32 KB) stay in the L1 cache.
 * A power of two, so a window's touched bitset is WINDOW / 32 whole words.
 */
export const WINDOW = 4096;

/**
 * COSINE's candidates in document order: item, partial sum, and an upper bound on 1 / ||d||.
 * A list is applied by merging one buffer into the other, so every read is sequential.
 */
export class Candidates {
  docs = new Int32Array(0);
  acc = new Float64Array(0);
  inverseNorm = new Float64Array(0);
  count = 0;

  /** Room for n entries; the contents are discarded (only ever called on the empty output buffer). */
  reserve(n: number): void {
    if (this.docs.length >= n) return;
    const size = Math.max(n, 2 * this.docs.length);
    this.docs = new Int32Array(size);
    this.acc = new Float64Array(size);
    this.inverseNorm = new Float64Array(size);
  }
}

/**
 * Per-document scratch for one query at a time (JavaScript runs one at a time): a stamp
 * per document replaces clearing arrays between queries.
 */
export class Scratch {
  readonly skip: Uint32Array;
  readonly member: Uint32Array;
  /** Items COSINE scored exactly in this query (a bitset small enough for the L2 cache); cleared after it. */
  readonly done: Uint32Array;
  from = new Candidates();
  to = new Candidates();
  /** COSINE's partial sums and touched bits for one window of documents; left zero after each. */
  readonly windowAcc = new Float64Array(WINDOW);
  /** The least w / idf_t over the window item's postings (>= 1 / ||d||); Infinity when untouched. */
  readonly windowInverseNorm = new Float64Array(WINDOW).fill(Infinity);
  readonly windowBits = new Uint32Array(WINDOW / 32);
  /**
   * JACCARD's rare-term counts as nested bitsets: bit d of levels[j] says item d is in more
   * than j of the rare lists read. Small enough to stay in cache while the lists are read; only
   * as many levels as a query needs are allocated, and all are left zero after each query.
   */
  readonly levels: Uint32Array[];
  stamp = 0;

  constructor(readonly docs: number) {
    this.skip = new Uint32Array(docs);
    this.member = new Uint32Array(docs);
    this.done = new Uint32Array(Math.ceil(docs / 32));
    this.levels = [new Uint32Array(Math.ceil(docs / 32))];
  }

  next(): number {
    if (this.stamp >= 0xfffffffe) {
      this.skip.fill(0);
      this.member.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

/**
 * A sparse vector laid out densely by term id, with a bitset of its terms: what the canonical
 * scoring functions read (the bitset is small enough for the L1 cache, so the few terms an item
 * shares with the query are the only ones that touch the large array). Loaded for one query
 * and cleared after it, so it is all zero between queries and costs nothing to reuse.
 */
export class DenseVector {
  values = new Float64Array(0);
  bits = new Uint32Array(0);

  /** Room for term ids below `size`; only ever called while the vector is clear. */
  reserve(size: number): void {
    if (this.values.length >= size) return;
    this.values = new Float64Array(size * 2);
    this.bits = new Uint32Array(Math.ceil(this.values.length / 32));
  }

  /** Sets the first `n` terms (ids[i], weights[i]). */
  load(ids: readonly number[], weights: readonly number[], n = ids.length): void {
    for (let i = 0; i < n; i++) {
      const t = ids[i];
      this.values[t] = weights[i];
      this.bits[t >>> 5] |= 1 << (t & 31);
    }
  }

  /** Sets item d's unit TF-IDF vector (MMR compares the other items with it). */
  loadItem(fwd: ForwardStore, d: number, idf: Float64Array): void {
    for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++) {
      const t = fwd.termIds[p];
      this.values[t] = termWeight(fwd.tfs[p], idf[t], fwd.norms[d]);
      this.bits[t >>> 5] |= 1 << (t & 31);
    }
  }

  /** Zeroes what loadItem(fwd, d) set. */
  clearItem(fwd: ForwardStore, d: number): void {
    for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++) {
      const t = fwd.termIds[p];
      this.values[t] = 0;
      this.bits[t >>> 5] = 0;
    }
  }

  /** Zeroes what load(ids, _, n) set (whole bitset words: every term in them was loaded). */
  clear(ids: readonly number[], n = ids.length): void {
    for (let i = 0; i < n; i++) {
      this.values[ids[i]] = 0;
      this.bits[ids[i] >>> 5] = 0;
    }
  }
}
