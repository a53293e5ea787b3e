/**
 * The inverted index of a built segment: each term's items (CSR, ascending doc ids) with
 * float32 weights for bounds, the per-term bounds MaxScore needs, and the common terms'
 * bitsets. Memory per posting: doc id (4) + float32 weight (4) bytes; exact weights are
 * tf * idf / norm, recomputed in doubles from the forward store.
 */
import { termWeight } from '../similarity';
import { bitsetWords, commonTermBitsets } from './bitsets';
import type { ForwardStore } from './forward-store';

/** Term t's items at starts[t] .. starts[t + 1], ascending, with float32 weights for bounds. */
export class InvertedIndex {
  readonly starts: Int32Array;
  readonly docs: Int32Array;
  readonly weights: Float32Array;
  /** The largest exact (double) weight of each term: MaxScore's per-term bound. */
  readonly maxWeight: Float64Array;
  /**
   * The largest tf of each term: w(d, t) <= maxTf[t] * idf[t] / ||d||, a bound that shrinks
   * with the item's norm.
   */
  readonly maxTf: Uint16Array;
  /** The fewest terms any item with a term has (JACCARD's best case for an unseen item). */
  readonly minLength: number;
  /** Membership bitsets of the common terms (see bitsets.ts). */
  readonly bitsets: Map<number, Uint32Array>;
  readonly words: number;

  constructor(fwd: ForwardStore, idf: Float64Array, vocabularySize: number) {
    const postings = fwd.postings;
    const counts = new Int32Array(vocabularySize + 1);
    for (let p = 0; p < postings; p++) counts[fwd.termIds[p] + 1]++;
    for (let t = 0; t < vocabularySize; t++) counts[t + 1] += counts[t];
    this.starts = counts;
    this.docs = new Int32Array(postings);
    this.weights = new Float32Array(postings);
    this.maxWeight = new Float64Array(vocabularySize);
    this.maxTf = new Uint16Array(vocabularySize);
    const fill = this.starts.slice(0, vocabularySize);
    let minLength = Infinity;
    for (let d = 0; d < fwd.count; d++) {
      const start = fwd.offsets[d];
      const end = fwd.offsets[d + 1];
      if (end > start && end - start < minLength) minLength = end - start;
      const norm = fwd.norms[d];
      for (let p = start; p < end; p++) {
        const t = fwd.termIds[p];
        const w = termWeight(fwd.tfs[p], idf[t], norm);
        const q = fill[t]++;
        this.docs[q] = d;
        this.weights[q] = w;
        if (w > this.maxWeight[t]) this.maxWeight[t] = w;
        if (fwd.tfs[p] > this.maxTf[t]) this.maxTf[t] = fwd.tfs[p];
      }
    }
    this.minLength = Number.isFinite(minLength) ? minLength : 1;
    this.words = bitsetWords(fwd.count);
    this.bitsets = commonTermBitsets(this.starts, this.docs, fwd.count);
  }

  get bitsetBytes(): number {
    return this.bitsets.size * this.words * 4;
  }

  get vocabularySize(): number {
    return this.maxWeight.length;
  }

  /** Postings in lists[from .. to). */
  postingsOf(lists: readonly number[], from: number, to: number): number {
    let sum = 0;
    for (let i = from; i < to; i++) sum += this.length(lists[i]);
    return sum;
  }

  length(t: number): number {
    return t < this.maxWeight.length ? this.starts[t + 1] - this.starts[t] : 0;
  }
}
