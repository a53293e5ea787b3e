/** Top-K ranking metrics for offline evaluation: hit rate, NDCG and recall at k (binary relevance). */

/** 1 when the target is among the first k, else 0. */
export function hitAt(ranked: readonly string[], target: string, k: number): number {
  const at = ranked.indexOf(target);
  return at >= 0 && at < k ? 1 : 0;
}

/** One relevant item: 1 / log2(rank + 2) when within the first k (the ideal DCG is 1). */
export function ndcgAt(ranked: readonly string[], target: string, k: number): number {
  const at = ranked.indexOf(target);
  return at >= 0 && at < k ? 1 / Math.log2(at + 2) : 0;
}

/** Share of the relevant items found in the first k. */
export function recallAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let found = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i])) found++;
  return found / relevant.size;
}

/** DCG of the first k over the best possible DCG for this many relevant items. */
export function ndcgSetAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i])) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Running mean of per-case values. */
export class Mean {
  private sum = 0;
  count = 0;

  add(value: number): void {
    this.sum += value;
    this.count++;
  }

  get value(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
}
