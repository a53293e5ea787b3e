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

  cosine(d: number, idf: Float64Array, query: Float64Array, inQuery: Uint32Array): number {
    return cosineDoc(this.termIds, this.tfs, this.offsets[d], this.offsets[d + 1], this.norms[d], idf, query, inQuery);
  }

  jaccard(d: number, inQuery: Uint32Array, querySize: number): number {
    return jaccardDoc(this.termIds, this.offsets[d], this.offsets[d + 1], inQuery, querySize);
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
  /** The largest tf of each term: w(d, t) <= maxTf[t] * idf[t] / ||d||, a bound that shrinks with the item's norm. */
  readonly maxTf: Uint16Array;
  /** The fewest terms any item with a term has (JACCARD's best case for an unseen item). */
  readonly minLength: number;
  /**
   * Membership bitsets of the common terms (in at least 1/32 of the items, so a bitset costs at
   * most half the doc ids it mirrors: under 0.25 bytes per posting in all). JACCARD counts the
   * items that share many common terms 32 at a time instead of reading their long lists.
   */
  readonly bitsets = new Map<number, Uint32Array>();
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
        const w = (fwd.tfs[p] * idf[t]) / norm;
        const q = fill[t]++;
        this.docs[q] = d;
        this.weights[q] = w;
        if (w > this.maxWeight[t]) this.maxWeight[t] = w;
        if (fwd.tfs[p] > this.maxTf[t]) this.maxTf[t] = fwd.tfs[p];
      }
    }
    this.minLength = Number.isFinite(minLength) ? minLength : 1;
    this.words = Math.ceil(fwd.count / 32);
    for (let t = 0; t < vocabularySize; t++) {
      if (this.length(t) * 32 < fwd.count) continue;
      const bits = new Uint32Array(this.words);
      for (let p = this.starts[t]; p < this.starts[t + 1]; p++) bits[this.docs[p] >>> 5] |= 1 << (this.docs[p] & 31);
      this.bitsets.set(t, bits);
    }
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

/** float32 rounding: |w32 - w| <= 2^-24 * w. */
const FLOAT32_EPS = 2 ** -24;

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

/** Asks for the obvious path: score every item (what tests and the benchmark compare against). */
export interface ExhaustiveOption {
  exhaustive?: boolean;
  /** Always the pruned search, even where scoring every item is cheaper (tests compare the two on small catalogues). */
  pruned?: boolean;
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
  /** Bitset of the query's terms (U for JACCARD). */
  inQuery: Uint32Array;
  terms: readonly number[];
}

/** Scores every live, allowed base item exactly: the obvious path the pruned one must match. */
export function exhaustiveBase(q: BaseQuery, kind: 'COSINE' | 'JACCARD', top: TopK): void {
  const { fwd, dead, scratch, stamp, query, idf, inQuery } = q;
  const size = q.terms.length;
  for (let d = 0; d < fwd.count; d++) {
    if (dead[d] === 1 || scratch.skip[d] === stamp) continue;
    top.offer(kind === 'COSINE' ? fwd.cosine(d, idf, query, inQuery) : fwd.jaccard(d, inQuery, size), d);
  }
}

/** A list longer than this many times the candidates is searched (galloping), not scanned. */
const GALLOP = 8;


/**
 * Documents per window of the grouped pass: their partial sums (32 KB) stay in the L1 cache.
 * A power of two, so a window's touched bitset is WINDOW / 32 whole words.
 */
export const WINDOW = 4096;

/**
 * Exact top-K cosine with MaxScore pruning. Terms go in decreasing order of their bound
 * q_t * max w_t. Once what the terms left could give an unseen item falls below the bar (a
 * lower bound on the final k-th best score), no unseen item can enter: from then on lists only
 * update the candidates, and those whose partial sum plus what is left still reaches the bar
 * are scored exactly at the end.
 *
 * "What is left" for item d is also at most sum q_t * maxTf_t * idf_t / ||d||: the common
 * terms left have low IDF, and an item in a rare list has a large norm, so this bound is
 * usually far below the per-term one, and candidates are dropped as soon as it falls below the
 * bar. Candidates are kept in document order, so there is no random access per posting:
 *  1. short lists are merged into the candidates one at a time, which quickly gives a bar;
 *  2. the other lists that may still bring new items are read together, window by window of
 *     documents, summing into a cache-resident array, so an item is judged on everything those
 *     lists give it, not on one list at a time with the rest bounded;
 *  3. the remaining long lists are searched (galloping) for the few candidates left.
 * Excluded and dead items are checked only where an item could count (raising the bar or
 * being scored).
 */
export function prunedCosine(q: BaseQuery, top: TopK): void {
  const { inv, query, fwd, idf, dead, scratch, stamp, inQuery } = q;
  const lists = q.terms.filter((t) => inv.length(t) > 0);
  const bound = (t: number) => query[t] * inv.maxWeight[t];
  lists.sort((a, b) => bound(b) - bound(a) || a - b);
  const m = lists.length;
  // rest[i]: the most lists i.. add to any item; normRest[i] / ||d||: the most they add to item d.
  const rest = new Float64Array(m + 1);
  const normRest = new Float64Array(m + 1);
  let sumQ = 0;
  for (let i = m - 1; i >= 0; i--) {
    const t = lists[i];
    rest[i] = rest[i + 1] + bound(t);
    normRest[i] = normRest[i + 1] + query[t] * inv.maxTf[t] * idf[t];
    sumQ += query[t];
  }
  // float32 weights move a partial sum by at most 2^-24 * sum q_t (every w <= 1); twice that
  // covers the bar and the bound erring in opposite directions, and 1e-9 the summation order.
  const margin = 1e-9 + 4 * FLOAT32_EPS * sumQ;
  const { skip, done } = scratch;
  const { starts, docs, weights } = inv;
  const { offsets, termIds, tfs, norms } = fwd;
  const exact = (d: number) => cosineDoc(termIds, tfs, offsets[d], offsets[d + 1], norms[d], idf, query, inQuery);
  const bounds = new LowerBounds(top.k, scratch.member, stamp);
  const settled: number[] = [];
  const excluded = (d: number) => skip[d] === stamp || dead[d] === 1;
  let from = scratch.from;
  let to = scratch.to;
  from.count = 0;
  // Short lists are merged one at a time (cheap, and each raises the bar); the first list
  // longer than this plus half the candidates starts the grouped pass, whose cost grows with
  // the number of windows (tuned on the benchmark: best near sqrt(items) at 10k, 100k and 1M).
  const groupAfter = Math.sqrt(fwd.count);
  try {
    let i = 0;
    let admitting = true;
    for (; i < m; i++) {
      let bar = settle(bounds, top, exact, done, settled);
      const admit = rest[i] + margin >= bar;
      const n = from.count;
      if (!admit && n === 0) break;
      if (!admit && admitting) {
        // Step 3 reads the lists without a bitset; the common terms' bitsets then bound what
        // each candidate can still gain, by the terms it has (orderBitsetsLast).
        admitting = false;
        orderBitsetsLast(lists, i, rest, normRest, bound, (t) => query[t] * inv.maxTf[t] * idf[t], inv);
      }
      if (!admit && inv.bitsets.has(lists[i])) break;
      const t = lists[i];
      let p = starts[t];
      const end = starts[t + 1];
      if (admit && end - p > groupAfter + n / 2) {
        // Step 2: every list that may still bring new items, at once.
        let last = i + 1;
        while (last < m && rest[last] + margin >= bar) last++;
        to.reserve(n + inv.postingsOf(lists, i, last));
        to.count = windows(q, lists.slice(i, last), from, to, rest[last], normRest[last], margin, bounds, () => settle(bounds, top, exact, done, settled));
        i = last - 1;
      } else {
        // Steps 1 and 3: one list.
        const qt = query[t];
        const later = rest[i + 1];
        const perNorm = normRest[i + 1];
        // w / idf_t overestimates 1 / ||d|| by float32 rounding at most; 2^-20 covers it.
        const inverseNormPerWeight = (1 + 2 ** -20) / idf[t];
        to.reserve(n + (admit ? end - p : 0));
        const { docs: fromDocs, acc: fromAcc, inverseNorm: fromX } = from;
        const { docs: toDocs, acc: toAcc, inverseNorm: toX } = to;
        const gallop = !admit && end - p > GALLOP * n;
        let out = 0;
        let low = bounds.bar;
        for (let a = 0; a <= n; a++) {
          const d = a < n ? fromDocs[a] : 0x7fffffff;
          if (gallop) p = seek(docs, p, end, d);
          else if (!admit) while (p < end && docs[p] < d) p++;
          else {
            // Postings before d are items not seen yet.
            for (; p < end && docs[p] < d; p++) {
              const e = docs[p];
              const w = weights[p];
              const v = qt * w;
              const x = w * inverseNormPerWeight;
              if (v + Math.min(later, perNorm * x) + margin < bar) continue;
              if (v > low) {
                if (excluded(e)) continue;
                low = bounds.raise(e, v);
                if (low > bar) bar = low;
              }
              toDocs[out] = e;
              toAcc[out] = v;
              toX[out++] = x;
            }
          }
          if (a === n) break;
          let v = fromAcc[a];
          const x = fromX[a];
          if (p < end && docs[p] === d) v += qt * weights[p++];
          if (v + Math.min(later, perNorm * x) + margin < bar) continue;
          if (v > low) {
            if (excluded(d)) continue;
            low = bounds.raise(d, v);
            if (low > bar) bar = low;
          }
          toDocs[out] = d;
          toAcc[out] = v;
          toX[out++] = x;
        }
        to.count = out;
      }
      const merged = to;
      to = from;
      from = merged;
    }
    settle(bounds, top, exact, done, settled);
    // What lists i.. can add to each candidate: only the terms it has (all of them have a
    // bitset), each at most min(max w_t, maxTf_t * idf_t / ||d||).
    const tail = lists.slice(i).map((t) => ({ bits: inv.bitsets.get(t)!, q: query[t], max: inv.maxWeight[t], perNorm: inv.maxTf[t] * idf[t] }));
    const { docs: candidates, acc, inverseNorm } = from;
    // Scored in document order, so the forward index is read front to back; a document
    // settled already was offered once.
    for (let a = 0; a < from.count; a++) {
      const d = candidates[a];
      const x = inverseNorm[a];
      let upper = acc[a] + margin;
      for (const { bits, q: qt, max, perNorm } of tail) if ((bits[d >>> 5] >>> (d & 31)) & 1) upper += qt * Math.min(max, perNorm * x);
      if (upper < Math.max(bounds.bar, top.threshold) || ((done[d >>> 5] >>> (d & 31)) & 1) === 1 || excluded(d)) continue;
      top.offer(exact(d), d);
    }
  } finally {
    for (const d of settled) done[d >>> 5] = 0;
    scratch.from = from;
    scratch.to = to;
  }
}

/**
 * Step 2 of prunedCosine: adds `group`'s lists to the candidates in `from` and admits new
 * items, window by window of documents, into `to`; returns the number kept. An item is kept
 * when its sum over the candidates' earlier lists and the group, plus what the lists after the
 * group can add (at most `later`, and at most `perNorm` / ||d||), reaches the bar. 1 / ||d|| is
 * bounded from the item's own postings, since reading the norms would cost a cache miss each.
 */
function windows(q: BaseQuery, group: number[], from: Candidates, to: Candidates, later: number, perNorm: number, margin: number, bounds: LowerBounds, settle: () => number): number {
  const { inv, query, fwd, dead, scratch, stamp } = q;
  const { skip, windowAcc: acc, windowInverseNorm: inverseNorm, windowBits: bits } = scratch;
  const { starts, docs, weights } = inv;
  const g = group.length;
  const cursors = group.map((t) => starts[t]);
  const ends = group.map((t) => starts[t + 1]);
  const qs = group.map((t) => query[t]);
  // w / idf_t overestimates 1 / ||d|| by float32 rounding at most; 2^-20 covers it.
  const perWeights = group.map((t) => (1 + 2 ** -20) / q.idf[t]);
  const { docs: fromDocs, acc: fromAcc, inverseNorm: fromX, count: n } = from;
  const { docs: toDocs, acc: toAcc, inverseNorm: toX } = to;
  let a = 0;
  let out = 0;
  for (let base = 0; base < fwd.count; base += WINDOW) {
    const limit = base + WINDOW;
    let touched = false;
    for (; a < n && fromDocs[a] < limit; a++) {
      const o = fromDocs[a] - base;
      acc[o] = fromAcc[a];
      inverseNorm[o] = fromX[a];
      bits[o >>> 5] |= 1 << (o & 31);
      touched = true;
    }
    for (let l = 0; l < g; l++) {
      const qt = qs[l];
      const perWeight = perWeights[l];
      let p = cursors[l];
      const end = ends[l];
      for (; p < end; p++) {
        const o = docs[p] - base;
        if (o >= WINDOW) break;
        const w = weights[p];
        acc[o] += qt * w;
        const x = w * perWeight;
        if (x < inverseNorm[o]) inverseNorm[o] = x;
        bits[o >>> 5] |= 1 << (o & 31);
      }
      if (p !== cursors[l]) touched = true;
      cursors[l] = p;
    }
    if (!touched) continue;
    let bar = settle();
    let low = bounds.bar;
    for (let w = 0; w < WINDOW / 32; w++) {
      let lanes = bits[w];
      if (lanes === 0) continue;
      bits[w] = 0;
      while (lanes !== 0) {
        const lane = 31 - Math.clz32(lanes & -lanes);
        lanes &= lanes - 1;
        const o = (w << 5) + lane;
        const d = base + o;
        const v = acc[o];
        const x = inverseNorm[o];
        acc[o] = 0;
        inverseNorm[o] = Infinity;
        if (v + Math.min(later, perNorm * x) + margin < bar) continue;
        if (v > low) {
          if (skip[d] === stamp || dead[d] === 1) continue;
          low = bounds.raise(d, v);
          if (low > bar) bar = low;
        }
        toDocs[out] = d;
        toAcc[out] = v;
        toX[out++] = x;
      }
    }
  }
  return out;
}

/**
 * Moves the lists from i on that have a bitset after those that have none (each part still in
 * bound order) and recomputes the suffix sums of their bounds for the new order.
 */
function orderBitsetsLast(lists: number[], i: number, rest: Float64Array, normRest: Float64Array, bound: (t: number) => number, perNorm: (t: number) => number, inv: InvertedIndex): void {
  const tail = lists.slice(i);
  const reordered = [...tail.filter((t) => !inv.bitsets.has(t)), ...tail.filter((t) => inv.bitsets.has(t))];
  for (let j = 0; j < reordered.length; j++) lists[i + j] = reordered[j];
  for (let j = lists.length - 1; j >= i; j--) {
    rest[j] = rest[j + 1] + bound(lists[j]);
    normRest[j] = normRest[j + 1] + perNorm(lists[j]);
  }
}

/** The first position >= p in the ascending docs[p, end) holding a document >= d (galloping search). */
function seek(docs: Int32Array, p: number, end: number, d: number): number {
  if (p >= end || docs[p] >= d) return p;
  let low = p;
  let step = 1;
  let high = p + 1;
  while (high < end && docs[high] < d) {
    low = high;
    step *= 2;
    high = low + step;
  }
  if (high > end) high = end;
  // docs[low] < d, and high === end or docs[high] >= d.
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    if (docs[mid] < d) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * Exact top-K Jaccard. U's terms split into common ones (with a bitset) and the rare rest. The
 * rare lists are counted into nested bitsets (`Scratch.levels`). Then one pass over the items,
 * 32 at a time, adds the common terms with bit-sliced counters and offers exactly the items
 * whose shared count (rare + common) could reach the bar: their exact count, so exactly the
 * exhaustive score. The common terms' long lists are never read.
 */
export function prunedJaccard(q: BaseQuery, top: TopK): void {
  const { inv, fwd, dead, scratch, stamp } = q;
  const size = q.terms.length;
  const common: Uint32Array[] = [];
  const { starts, docs } = inv;
  const levels = scratch.levels;
  let depth = 0;
  for (const t of q.terms) {
    const bits = inv.bitsets.get(t);
    if (bits && common.length < MAX_COMMON) {
      common.push(bits);
      continue;
    }
    for (let p = starts[t], end = starts[t + 1]; p < end; p++) {
      const d = docs[p];
      const w = d >>> 5;
      const bit = 1 << (d & 31);
      let j = 0;
      while (j < depth && (levels[j][w] & bit) !== 0) j++;
      if (j === depth) {
        if (depth === levels.length) levels.push(new Uint32Array(inv.words));
        depth++;
      }
      levels[j][w] |= bit;
    }
  }
  const f = common.length;
  // Scores are jaccardFromCounts of exact counts, as in the exhaustive scan; the margin only
  // guards the comparison of a bound with the bar.
  const margin = 1e-9;
  const minLength = inv.minLength;
  // The fewest shared terms an item needs to reach the bar (no item is shorter than minLength).
  const needed = (): number => {
    const bar = top.threshold - margin;
    for (let c = 1; c <= f + depth; c++) if (jaccardFromCounts(c, size, Math.max(c, minLength)) >= bar) return c;
    return f + depth + 1;
  };
  let min = needed();
  const rare = new Int32Array(Math.max(1, depth));
  const { skip } = scratch;
  const { offsets } = fwd;
  const itemCount = fwd.count;
  const odd = f & 1;
  for (let w = 0, words = inv.words; w < words; w++) {
    // Read and clear this word of the levels (nested: level j + 1 only where level j).
    let hits = 0;
    while (hits < depth) {
      const x = levels[hits][w];
      if (x === 0) break;
      rare[hits++] = x;
      levels[hits - 1][w] = 0;
    }
    if (f + hits < min) continue;
    // Bit-sliced counters (c0 holds bit 0 of each lane's count, ...): the common bitsets enter
    // two at a time through a carry-save adder, and only the carry ripples up.
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    let c4 = 0;
    let c5 = 0;
    for (let i = odd; i < f; i += 2) {
      const a = common[i][w];
      const b = common[i + 1][w];
      const u = c0 ^ a;
      let carry = (c0 & a) | (u & b);
      c0 = u ^ b;
      if (carry === 0) continue;
      let next = c1 & carry;
      c1 ^= carry;
      if (next === 0) continue;
      carry = c2 & next;
      c2 ^= next;
      if (carry === 0) continue;
      next = c3 & carry;
      c3 ^= carry;
      if (next === 0) continue;
      carry = c4 & next;
      c4 ^= next;
      c5 |= carry;
    }
    if (odd === 1) {
      const a = common[0][w];
      let carry = c0 & a;
      c0 ^= a;
      let next = c1 & carry;
      c1 ^= carry;
      carry = c2 & next;
      c2 ^= next;
      next = c3 & carry;
      c3 ^= carry;
      carry = c4 & next;
      c4 ^= next;
      c5 |= carry;
    }
    // Lanes in at least j rare lists need min - j common terms.
    let lanes = atLeast(c0, c1, c2, c3, c4, c5, min);
    for (let j = 1; j <= hits; j++) lanes |= rare[j - 1] & atLeast(c0, c1, c2, c3, c4, c5, min - j);
    if (lanes === 0) continue;
    while (lanes !== 0) {
      const lane = 31 - Math.clz32(lanes & -lanes);
      lanes &= lanes - 1;
      const d = (w << 5) + lane;
      if (d >= itemCount) continue;
      let c = ((c0 >>> lane) & 1) + 2 * ((c1 >>> lane) & 1) + 4 * ((c2 >>> lane) & 1) + 8 * ((c3 >>> lane) & 1) + 16 * ((c4 >>> lane) & 1) + 32 * ((c5 >>> lane) & 1);
      for (let j = 0; j < hits; j++) c += (rare[j] >>> lane) & 1;
      const score = jaccardFromCounts(c, size, offsets[d + 1] - offsets[d]);
      if (score >= top.threshold && skip[d] !== stamp && dead[d] === 0) top.offer(score, d);
    }
    min = Math.max(min, needed());
  }
}

/** Bit-sliced counters per word in prunedJaccard: counts up to 2^SLICES - 1 common terms. */
const SLICES = 6;
const MAX_COMMON = 2 ** SLICES - 1;

/**
 * The lanes whose bit-sliced count (c0 holds bit 0 of each lane's count, ...) is at least x:
 * the carry out of adding 64 - x to every lane.
 */
function atLeast(c0: number, c1: number, c2: number, c3: number, c4: number, c5: number, x: number): number {
  if (x <= 0) return -1;
  if (x > MAX_COMMON) return 0;
  const add = 64 - x;
  let carry = 0;
  let k = add & 1 ? -1 : 0;
  carry = c0 & k;
  k = add & 2 ? -1 : 0;
  carry = (c1 & k) | (carry & (c1 ^ k));
  k = add & 4 ? -1 : 0;
  carry = (c2 & k) | (carry & (c2 ^ k));
  k = add & 8 ? -1 : 0;
  carry = (c3 & k) | (carry & (c3 ^ k));
  k = add & 16 ? -1 : 0;
  carry = (c4 & k) | (carry & (c4 ^ k));
  k = add & 32 ? -1 : 0;
  return (c5 & k) | (carry & (c5 ^ k));
}

/**
 * Scores exactly the documents with the best partial sums not scored yet (marking them done),
 * and returns the bar: the better of the k-th best lower bound and the k-th best exact score.
 * Exact scores of the leading documents rise far above their partial sums while the long
 * common lists are still unread, which is what lets the search stop before reading them.
 */
function settle(bounds: LowerBounds, top: TopK, exact: (d: number) => number, done: Uint32Array, settled: number[]): number {
  const docs = bounds.members;
  for (let i = 0; i < bounds.count; i++) {
    const d = docs[i];
    if ((done[d >>> 5] >>> (d & 31)) & 1) continue;
    done[d >>> 5] |= 1 << (d & 31);
    settled.push(d);
    top.offer(exact(d), d);
  }
  return Math.max(bounds.bar, top.threshold);
}
