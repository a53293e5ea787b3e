/** Diversification: MMR re-ranking of a pool taken by relevance. */

/** MMR re-ranks the best max(50, 5k) by relevance: enough room to diversify, bounded cost. */
export function mmrPoolSize(k: number): number {
  return Math.max(50, 5 * k);
}

/**
 * Maximal Marginal Relevance (Carbonell & Goldstein 1998) over a pool in relevance order:
 * greedily picks argmax (1 - d) * rel - d * max sim to the picks so far, ties to the earlier
 * pool entry, so d = 0 returns the pool's own order. Returns pool indices.
 */
export function mmr(
  relevance: readonly number[],
  k: number,
  diversity: number,
  similarity: (i: number, j: number) => number,
): number[] {
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
