/**
 * The inverted index over item feature vectors, in typed arrays: a forward index (each item's
 * term ids and counts, CSR) to score one item exactly, and an inverted index (each term's items
 * with float32 weights, CSR) to find candidates term-at-a-time with MaxScore-style pruning.
 *
 * Exactness: pruning only ever compares conservative bounds (float32 error and summation
 * order covered by a margin), and every surviving candidate is scored by the same canonical
 * per-document function the exhaustive scan uses, so the top K is bit-identical to scoring
 * every item. Memory per posting: forward term id (4) + tf (2) + inverted doc id (4) + float32
 * weight (4) = 14 bytes; exact weights are tf * idf / norm, recomputed in doubles.
 */
import { LowerBounds, TopK } from './rank';
import { cosineDoc, jaccardDoc, jaccardFromCounts } from './similarity';

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

  cosine(d: number, idf: Float64Array, query: Float64Array): number {
    return cosineDoc(this.termIds, this.tfs, this.offsets[d], this.offsets[d + 1], this.norms[d], idf, query);
  }

  jaccard(d: number, query: Float64Array, querySize: number): number {
    return jaccardDoc(this.termIds, this.offsets[d], this.offsets[d + 1], query, querySize);
  }
}

function growTo<T extends Int32Array | Uint16Array | Float64Array>(a: T, size: number): T {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
}

/** Term t's items at starts[t] .. starts[t + 1], ascending, with float32 weights for bounds. */
export class InvertedIndex {
  readonly starts: Int32Array;
  readonly docs: Int32Array;
  readonly weights: Float32Array;
  /** The largest exact (double) weight of each term: MaxScore's per-term bound. */
  readonly maxWeight: Float64Array;
  /** The fewest terms any item with a term has (JACCARD's best case for an unseen item). */
  readonly minLength: number;

  constructor(fwd: ForwardStore, idf: Float64Array, vocabularySize: number) {
    const postings = fwd.postings;
    const counts = new Int32Array(vocabularySize + 1);
    for (let p = 0; p < postings; p++) counts[fwd.termIds[p] + 1]++;
    for (let t = 0; t < vocabularySize; t++) counts[t + 1] += counts[t];
    this.starts = counts;
    this.docs = new Int32Array(postings);
    this.weights = new Float32Array(postings);
    this.maxWeight = new Float64Array(vocabularySize);
    const fill = this.starts.slice(0, vocabularySize);
    let minLength = Infinity;
    for (let d = 0; d < fwd.count; d++) {
      const start = fwd.offsets[d];
      const end = fwd.offsets[d + 1];
      if (end > start && end - start < minLength) minLength = end - start;
      const norm = fwd.norms[d];
      for (let p = start; p < end; p++) {
        const t = fwd.termIds[p];
        const w = (fwd.tfs[p] * idf[t]) / norm;
        const q = fill[t]++;
        this.docs[q] = d;
        this.weights[q] = w;
        if (w > this.maxWeight[t]) this.maxWeight[t] = w;
      }
    }
    this.minLength = Number.isFinite(minLength) ? minLength : 1;
  }

  get vocabularySize(): number {
    return this.maxWeight.length;
  }

  length(t: number): number {
    return t < this.maxWeight.length ? this.starts[t + 1] - this.starts[t] : 0;
  }
}

/** float32 rounding: |w32 - w| <= 2^-24 * w. */
const FLOAT32_EPS = 2 ** -24;

/**
 * Per-document scratch for one query at a time (JavaScript runs one at a time): a stamp
 * per document replaces clearing arrays between queries.
 */
export class Scratch {
  readonly acc: Float64Array;
  readonly seen: Uint32Array;
  readonly skip: Uint32Array;
  readonly member: Uint32Array;
  readonly touched: Int32Array;
  stamp = 0;

  constructor(readonly docs: number) {
    this.acc = new Float64Array(docs);
    this.seen = new Uint32Array(docs);
    this.skip = new Uint32Array(docs);
    this.member = new Uint32Array(docs);
    this.touched = new Int32Array(docs);
  }

  next(): number {
    if (this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.skip.fill(0);
      this.member.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

/** Asks for the obvious path: score every item (what tests and the benchmark compare against). */
export interface ExhaustiveOption {
  exhaustive?: boolean;
}

/** What a base-segment search needs: the segment, its dead items and the query. */
export interface BaseQuery {
  fwd: ForwardStore;
  inv: InvertedIndex;
  dead: Uint8Array;
  idf: Float64Array;
  scratch: Scratch;
  /** Documents to leave out carry scratch.skip[d] === scratch.stamp. */
  stamp: number;
  /** Dense query by term id (cosine weights; for JACCARD, U's weights, > 0 exactly on U). */
  query: Float64Array;
  terms: readonly number[];
}

/** Scores every live, allowed base item exactly: the obvious path the pruned one must match. */
export function exhaustiveBase(q: BaseQuery, kind: 'COSINE' | 'JACCARD', top: TopK): void {
  const { fwd, dead, scratch, stamp, query, idf } = q;
  const size = q.terms.length;
  for (let d = 0; d < fwd.count; d++) {
    if (dead[d] === 1 || scratch.skip[d] === stamp) continue;
    top.offer(kind === 'COSINE' ? fwd.cosine(d, idf, query) : fwd.jaccard(d, query, size), d);
  }
}

/**
 * Exact top-K cosine, term-at-a-time with MaxScore pruning. Terms go in decreasing order of
 * their bound q_t * max w_t. Once what the terms left could give an unseen item falls below
 * the k-th best lower bound so far, no unseen item can enter: accumulation stops, and each
 * seen item whose partial sum plus that remainder still reaches the bar is scored exactly.
 */
export function prunedCosine(q: BaseQuery, top: TopK): void {
  const { inv, query } = q;
  const lists = q.terms.filter((t) => inv.length(t) > 0);
  const bound = (t: number) => query[t] * inv.maxWeight[t];
  lists.sort((a, b) => bound(b) - bound(a) || a - b);
  const rest = new Float64Array(lists.length + 1);
  let sumQ = 0;
  for (let i = lists.length - 1; i >= 0; i--) {
    rest[i] = rest[i + 1] + bound(lists[i]);
    sumQ += query[lists[i]];
  }
  // float32 weights move a partial sum by at most 2^-24 * sum q_t (every w <= 1); twice that
  // covers the bar and the bound erring in opposite directions, and 1e-9 the summation order.
  const margin = 1e-9 + 4 * FLOAT32_EPS * sumQ;
  taat(q, top, lists, rest, margin, (d, t, w, acc) => acc + query[t] * w, (partial) => partial, (partial, remaining) => partial + remaining, (d) =>
    q.fwd.cosine(d, q.idf, query),
  );
}

/**
 * Exact top-K Jaccard, term-at-a-time over U's terms rarest first: an unseen item can share at
 * most r of the r terms left, and is at best as short as the shortest item, so once
 * r / (|U| + max(r, minLength) - r) is below the bar the long common lists are never read.
 */
export function prunedJaccard(q: BaseQuery, top: TopK): void {
  const { inv, fwd, query } = q;
  const size = q.terms.length;
  const lists = q.terms.filter((t) => inv.length(t) > 0);
  lists.sort((a, b) => inv.length(a) - inv.length(b) || a - b);
  const m = lists.length;
  const rest = new Float64Array(m + 1);
  for (let i = 0; i < m; i++) {
    const r = m - i;
    rest[i] = jaccardFromCounts(r, size, Math.max(r, inv.minLength));
  }
  const offsets = fwd.offsets;
  const len = (d: number) => offsets[d + 1] - offsets[d];
  // Counts are exact integers: the margin only covers the division's rounding.
  taat(
    q,
    top,
    lists,
    rest,
    1e-9,
    (_d, _t, _w, acc) => acc + 1,
    (shared, d) => jaccardFromCounts(shared, size, len(d)),
    (shared, _remaining, d, termsLeft) => {
      const l = len(d);
      return jaccardFromCounts(Math.min(shared + termsLeft, l), size, l);
    },
    (d) => fwd.jaccard(d, query, size),
  );
}

function taat(
  q: BaseQuery,
  top: TopK,
  lists: number[],
  rest: Float64Array,
  margin: number,
  add: (d: number, t: number, w: number, acc: number) => number,
  lower: (partial: number, d: number) => number,
  upper: (partial: number, remaining: number, d: number, termsLeft: number) => number,
  exact: (d: number) => number,
): void {
  const { inv, dead, scratch, stamp } = q;
  const { acc, seen, skip, touched } = scratch;
  const bounds = new LowerBounds(top.k, scratch.member, stamp);
  let touchedCount = 0;
  let stop = lists.length;
  for (let i = 0; i < lists.length; i++) {
    if (rest[i] + margin < bounds.bar) {
      stop = i;
      break;
    }
    const t = lists[i];
    for (let p = inv.starts[t], end = inv.starts[t + 1]; p < end; p++) {
      const d = inv.docs[p];
      if (skip[d] === stamp || dead[d] === 1) continue;
      let partial: number;
      if (seen[d] !== stamp) {
        seen[d] = stamp;
        touched[touchedCount++] = d;
        partial = add(d, t, inv.weights[p], 0);
      } else {
        partial = add(d, t, inv.weights[p], acc[d]);
      }
      acc[d] = partial;
      const low = lower(partial, d);
      if (low > bounds.bar) bounds.raise(d, low);
    }
  }
  const remaining = rest[stop];
  const termsLeft = lists.length - stop;
  const bar = bounds.bar;
  for (let i = 0; i < touchedCount; i++) {
    const d = touched[i];
    const needed = Math.max(bar, top.threshold);
    if (upper(acc[d], remaining, d, termsLeft) + margin < needed) continue;
    top.offer(exact(d), d);
  }
}
