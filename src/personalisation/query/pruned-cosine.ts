/**
 * Exact top-K COSINE over the inverted index with MaxScore-style pruning (the algorithm is
 * described at prunedCosine). Its exhaustive twin is exhaustive.ts.
 *
 * Exactness: pruning only ever compares conservative bounds (float32 error and summation order
 * covered by a margin), and every surviving candidate is scored by the same canonical
 * per-document function the exhaustive scan uses, so the top K is bit-identical to scoring
 * every item.
 */
import { cosineDoc } from '../similarity';
import type { InvertedIndex } from '../index/inverted-index';
import type { BaseQuery } from './base-query';
import { LowerBounds } from './lower-bounds';
import { Candidates, WINDOW } from './scratch';
import type { TopK } from './top-k';

/** float32 rounding: |w32 - w| <= 2^-24 * w. */
const FLOAT32_EPS = 2 ** -24;

/** A list longer than this many times the candidates is searched (galloping), not scanned. */
const GALLOP = 8;

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
  const { allowed } = q;
  const excluded = (d: number) => skip[d] === stamp || dead[d] === 1 || (allowed !== undefined && allowed[d] === 0);
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
        to.count = windows(q, lists.slice(i, last), from, to, rest[last], normRest[last], margin, bounds, () =>
          settle(bounds, top, exact, done, settled),
        );
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
    const tail = lists
      .slice(i)
      .map((t) => ({ bits: inv.bitsets.get(t)!, q: query[t], max: inv.maxWeight[t], perNorm: inv.maxTf[t] * idf[t] }));
    const { docs: candidates, acc, inverseNorm } = from;
    // Scored in document order, so the forward index is read front to back; a document
    // settled already was offered once.
    for (let a = 0; a < from.count; a++) {
      const d = candidates[a];
      const x = inverseNorm[a];
      let upper = acc[a] + margin;
      for (const { bits, q: qt, max, perNorm } of tail)
        if ((bits[d >>> 5] >>> (d & 31)) & 1) upper += qt * Math.min(max, perNorm * x);
      if (upper < Math.max(bounds.bar, top.threshold) || ((done[d >>> 5] >>> (d & 31)) & 1) === 1 || excluded(d))
        continue;
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
function windows(
  q: BaseQuery,
  group: number[],
  from: Candidates,
  to: Candidates,
  later: number,
  perNorm: number,
  margin: number,
  bounds: LowerBounds,
  settle: () => number,
): number {
  const { inv, query, fwd, dead, scratch, stamp, allowed } = q;
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
          if (skip[d] === stamp || dead[d] === 1 || (allowed !== undefined && allowed[d] === 0)) continue;
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
function orderBitsetsLast(
  lists: number[],
  i: number,
  rest: Float64Array,
  normRest: Float64Array,
  bound: (t: number) => number,
  perNorm: (t: number) => number,
  inv: InvertedIndex,
): void {
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
 * Scores exactly the documents with the best partial sums not scored yet (marking them done),
 * and returns the bar: the better of the k-th best lower bound and the k-th best exact score.
 * Exact scores of the leading documents rise far above their partial sums while the long
 * common lists are still unread, which is what lets the search stop before reading them.
 */
function settle(
  bounds: LowerBounds,
  top: TopK,
  exact: (d: number) => number,
  done: Uint32Array,
  settled: number[],
): number {
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
