/** MaxScore's bar: the k best lower bounds seen so far, in a min-heap whose keys only rise. */

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

  constructor(
    private readonly k: number,
    private readonly member: Uint32Array,
    private readonly stamp: number,
  ) {
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
