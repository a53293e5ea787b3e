/**
 * The forward index: each item's term ids and counts (CSR), appendable, to score one item
 * exactly. Memory per posting: term id (4) + tf (2) bytes; norms are doubles per item.
 */
import { cosineDoc, jaccardDoc } from '../similarity';
import { growTo } from './typed-arrays';

/** Each item's terms (ids) and counts at offsets[d] .. offsets[d + 1]; appendable. */
export class ForwardStore {
  offsets: Int32Array;
  termIds: Int32Array;
  tfs: Uint16Array;
  norms: Float64Array;
  count = 0;

  constructor(docs = 16, postings = 256) {
    this.offsets = new Int32Array(docs + 1);
    this.termIds = new Int32Array(postings);
    this.tfs = new Uint16Array(postings);
    this.norms = new Float64Array(docs);
  }

  get postings(): number {
    return this.offsets[this.count];
  }

  /** Appends one item (norm filled in later by `setNorm`); returns its doc number. */
  append(termIds: ArrayLike<number>, tfs: ArrayLike<number>, length: number): number {
    const d = this.count;
    const start = this.offsets[d];
    if (d + 1 >= this.offsets.length) {
      this.offsets = growTo(this.offsets, 2 * (d + 2));
      this.norms = growTo(this.norms, 2 * (d + 2));
    }
    if (start + length > this.termIds.length) {
      const size = Math.max(2 * this.termIds.length, start + length);
      this.termIds = growTo(this.termIds, size);
      this.tfs = growTo(this.tfs, size);
    }
    for (let i = 0; i < length; i++) {
      this.termIds[start + i] = termIds[i];
      // A label repeated 65,535 times on one item is saturated, not wrapped.
      this.tfs[start + i] = Math.min(65535, tfs[i]);
    }
    this.offsets[d + 1] = start + length;
    this.count++;
    return d;
  }

  /** ||item|| = sqrt(sum (tf * idf)^2) in the item's term order (the one formula for base and delta). */
  setNorm(d: number, idf: Float64Array): void {
    let sum = 0;
    for (let p = this.offsets[d]; p < this.offsets[d + 1]; p++) {
      const x = this.tfs[p] * idf[this.termIds[p]];
      sum += x * x;
    }
    this.norms[d] = Math.sqrt(sum);
  }

  /** Exact-size copies, so the base segment holds no slack. */
  trim(): void {
    this.offsets = this.offsets.slice(0, this.count + 1);
    this.norms = this.norms.slice(0, this.count);
    this.termIds = this.termIds.slice(0, this.postings);
    this.tfs = this.tfs.slice(0, this.postings);
  }

  cosine(d: number, idf: Float64Array, query: Float64Array, inQuery: Uint32Array): number {
    return cosineDoc(this.termIds, this.tfs, this.offsets[d], this.offsets[d + 1], this.norms[d], idf, query, inQuery);
  }

  jaccard(d: number, inQuery: Uint32Array, querySize: number): number {
    return jaccardDoc(this.termIds, this.offsets[d], this.offsets[d + 1], inQuery, querySize);
  }
}
