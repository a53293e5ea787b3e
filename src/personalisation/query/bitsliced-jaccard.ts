/**
 * Exact top-K JACCARD with bit-sliced counting over the common terms' bitsets (the algorithm is
 * described at prunedJaccard). Its exhaustive twin is exhaustive.ts: every offered score is
 * jaccardFromCounts of exact counts, as there.
 */
import { jaccardFromCounts } from '../similarity';
import type { BaseQuery } from './base-query';
import type { TopK } from './top-k';

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
  const { allowed } = q;
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
      let c =
        ((c0 >>> lane) & 1) +
        2 * ((c1 >>> lane) & 1) +
        4 * ((c2 >>> lane) & 1) +
        8 * ((c3 >>> lane) & 1) +
        16 * ((c4 >>> lane) & 1) +
        32 * ((c5 >>> lane) & 1);
      for (let j = 0; j < hits; j++) c += (rare[j] >>> lane) & 1;
      const score = jaccardFromCounts(c, size, offsets[d + 1] - offsets[d]);
      if (score >= top.threshold && skip[d] !== stamp && dead[d] === 0 && (allowed === undefined || allowed[d] === 1))
        top.offer(score, d);
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
