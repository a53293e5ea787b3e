/** Ranking helpers: the one deterministic result order, bounded top-K heaps, MMR re-ranking and reasons. */

/** Score descending, then item id ascending: the order every path agrees on. */
export function before(scoreA: number, idA: string, scoreB: number, idB: string): boolean {
  return scoreA > scoreB || (scoreA === scoreB && idA < idB);
}

/**
 * The k best (score > 0) of the handles offered, in O(n log k): a min-heap whose root is the
 * worst kept entry. The result depends only on the set offered, not on the order, which is
 * what lets the pruned and exhaustive paths agree exactly. Ties go by id; `rank` (the position
 * of each handle below rank.length in id order) settles them without reading the strings,
 * which matters with JACCARD's few distinct scores.
 */
export class TopK {
  readonly scores: Float64Array;
  readonly handles: Int32Array;
  size = 0;

  constructor(readonly k: number, private readonly idOf: (handle: number) => string, private readonly rank: Int32Array = new Int32Array(0)) {
    this.scores = new Float64Array(Math.max(0, k));
    this.handles = new Int32Array(Math.max(0, k));
  }

  get full(): boolean {
    return this.size === this.k;
  }

  /** The score a newcomer must reach (ties then go by id); -Infinity while not full. */
  get threshold(): number {
    return this.size === this.k && this.k > 0 ? this.scores[0] : -Infinity;
  }

  offer(score: number, handle: number): void {
    if (!(score > 0) || this.k <= 0) return;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(score, handle, this.scores[parent], this.handles[parent])) break;
        this.scores[i] = this.scores[parent];
        this.handles[i] = this.handles[parent];
        i = parent;
      }
      this.scores[i] = score;
      this.handles[i] = handle;
    } else if (score >= this.scores[0] && this.worse(this.scores[0], this.handles[0], score, handle)) {
      this.siftDown(score, handle);
    }
  }

  /** Best first. */
  sorted(): { handle: number; score: number }[] {
    const out = [];
    for (let i = 0; i < this.size; i++) out.push({ handle: this.handles[i], score: this.scores[i] });
    out.sort((a, b) => (this.worse(b.score, b.handle, a.score, a.handle) ? -1 : 1));
    return out;
  }

  private worse(sa: number, ha: number, sb: number, hb: number): boolean {
    if (sa !== sb) return sa < sb;
    const rank = this.rank;
    return ha < rank.length && hb < rank.length ? rank[ha] > rank[hb] : this.idOf(ha) > this.idOf(hb);
  }

  private siftDown(score: number, handle: number): void {
    let i = 0;
    const n = this.size;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.worse(this.scores[child + 1], this.handles[child + 1], this.scores[child], this.handles[child])) child++;
      if (!this.worse(this.scores[child], this.handles[child], score, handle)) break;
      this.scores[i] = this.scores[child];
      this.handles[i] = this.handles[child];
      i = child;
    }
    this.scores[i] = score;
    this.handles[i] = handle;
  }
}

/** Positions in id order (UTF-16 code units, as `<` compares strings) of distinct ids; `indexOf` maps each id to its index. */
export function idRanks(ids: readonly string[], indexOf: ReadonlyMap<string, number>): Int32Array {
  const rank = new Int32Array(ids.length);
  [...ids].sort().forEach((id, r) => (rank[indexOf.get(id)!] = r));
  return rank;
}

/**
 * k distinct documents with the highest lower bounds seen so far, whose bounds only rise:
 * once full, its minimum is a lower bound on the final k-th best score (each kept document
 * will score at least its bound), the bar the MaxScore pruning compares upper bounds with.
 */
export class LowerBounds {
  private readonly values: Float64Array;
  private readonly docs: Int32Array;
  private size = 0;

  /** The kept documents (the first `count` entries). */
  get members(): Int32Array {
    return this.docs;
  }

  get count(): number {
    return this.size;
  }

  constructor(private readonly k: number, private readonly member: Uint32Array, private readonly stamp: number) {
    this.values = new Float64Array(Math.max(1, k));
    this.docs = new Int32Array(Math.max(1, k));
  }

  /** The k-th best lower bound, or -Infinity while fewer than k documents were seen. */
  get bar(): number {
    return this.size === this.k && this.k > 0 ? this.values[0] : -Infinity;
  }

  /** Doc d's lower bound rose to `value`; returns the new bar. */
  raise(d: number, value: number): number {
    if (this.k <= 0) return Infinity;
    if (this.member[d] === this.stamp) {
      // Already kept: its key rose, so it may have to sink in the min-heap (k is small).
      let i = 0;
      while (this.docs[i] !== d) i++;
      this.sink(i, value, d);
    } else if (this.size < this.k) {
      this.member[d] = this.stamp;
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.values[parent] <= value) break;
        this.values[i] = this.values[parent];
        this.docs[i] = this.docs[parent];
        i = parent;
      }
      this.values[i] = value;
      this.docs[i] = d;
    } else if (value > this.values[0]) {
      this.member[this.docs[0]] = 0;
      this.member[d] = this.stamp;
      this.sink(0, value, d);
    }
    return this.bar;
  }

  private sink(i: number, value: number, d: number): void {
    const n = this.size;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.values[child + 1] < this.values[child]) child++;
      if (this.values[child] >= value) break;
      this.values[i] = this.values[child];
      this.docs[i] = this.docs[child];
      i = child;
    }
    this.values[i] = value;
    this.docs[i] = d;
  }
}

/**
 * Maximal Marginal Relevance (Carbonell & Goldstein 1998) over a pool in relevance order:
 * greedily picks argmax (1 - d) * rel - d * max sim to the picks so far, ties to the earlier
 * pool entry, so d = 0 returns the pool's own order. Returns pool indices.
 */
export function mmr(relevance: readonly number[], k: number, diversity: number, similarity: (i: number, j: number) => number): number[] {
  const n = relevance.length;
  const take = Math.min(k, n);
  if (!(diversity > 0)) return Array.from({ length: take }, (_, i) => i);
  const d = Math.min(1, diversity);
  const maxSim = new Float64Array(n);
  const chosen = new Uint8Array(n);
  const picks: number[] = [];
  while (picks.length < take) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < n; i++) {
      if (chosen[i]) continue;
      const value = (1 - d) * relevance[i] - d * maxSim[i];
      if (value > bestValue) {
        best = i;
        bestValue = value;
      }
    }
    chosen[best] = 1;
    picks.push(best);
    for (let i = 0; i < n; i++) if (!chosen[i]) maxSim[i] = Math.max(maxSim[i], similarity(i, best));
  }
  return picks;
}

export interface Reason {
  term: string;
  weight: number;
  /** Ordering key, larger first (the weight itself for COSINE, the user's weight for JACCARD). */
  order: number;
}

/** The `limit` reasons with the largest order key, ties by term; weights as given. */
export function topReasons(reasons: Reason[], limit: number): { term: string; weight: number }[] {
  return reasons
    .sort((a, b) => b.order - a.order || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
    .slice(0, limit)
    .map(({ term, weight }) => ({ term, weight }));
}
