/** The one deterministic result order, and the bounded top-K heap every search offers its scores to. */

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

  constructor(
    readonly k: number,
    private readonly idOf: (handle: number) => string,
    private readonly rank: Int32Array = new Int32Array(0),
  ) {
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
      if (
        child + 1 < n &&
        this.worse(this.scores[child + 1], this.handles[child + 1], this.scores[child], this.handles[child])
      )
        child++;
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
