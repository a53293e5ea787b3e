/**
 * Negative feedback and impressions applied when a profile is read (issue 16), pure and
 * without I/O:
 *
 *   - NOT_INTERESTED: each term of a rejected item has its raw interest weight multiplied by
 *     NEGATIVE_WEIGHT (once per term, however many rejected items name it); the items themselves
 *     are excluded by the caller.
 *   - impressions: an item shown `n` times since the user last engaged with it scores
 *     DECAY^(n - GRACE + 1) times its score once n >= GRACE (so with GRACE = 3, DECAY = 0.5 the
 *     third showing halves it, the fourth quarters it).
 *
 * Reading at request time means a change is seen at the next request on every process, and
 * undoing it (undo, an engagement, forgetUser) needs no rewrite of the stored profile.
 */

export interface FeedbackOptions {
  /** Factor in [0, 1] on the weight of each term of a NOT_INTERESTED item. */
  negativeWeight: number;
  /** Factor in (0, 1] per showing from the GRACE-th on. */
  impressionDecay: number;
  /** Showings without engagement before an item is down-ranked. */
  impressionGrace: number;
}

/** NEGATIVE_WEIGHT 0: the smallest weight keeping HR@10 within 2% in eval:recommend's simulation (validation split). */
export const DEFAULT_FEEDBACK: FeedbackOptions = Object.freeze({
  negativeWeight: 0,
  impressionDecay: 0.7,
  impressionGrace: 3,
});

/** The raw weights with every term of the rejected items' terms multiplied by `negativeWeight`. */
export function weakenRejectedTerms(
  weights: ReadonlyMap<string, number>,
  rejectedTerms: Iterable<Iterable<string>>,
  negativeWeight: number,
): Map<string, number> {
  const out = new Map(weights);
  const weakened = new Set<string>();
  for (const terms of rejectedTerms)
    for (const term of terms) {
      if (weakened.has(term)) continue;
      weakened.add(term);
      const w = out.get(term);
      if (w !== undefined) out.set(term, w * negativeWeight);
    }
  return out;
}

/** The factor on the score of an item shown `shown` times since the last engagement. */
export function impressionPenalty(shown: number, options: FeedbackOptions): number {
  const over = shown - options.impressionGrace + 1;
  return over > 0 ? Math.pow(options.impressionDecay, over) : 1;
}

/**
 * The best `k` of a ranked list after multiplying scores by `penalty`. Exact when `ranked` is
 * the top (k + P) by the unpenalised score and P items at most have a penalty below 1: at least
 * k unpenalised items of the list score above any item outside it, and a penalty only lowers a
 * score. Ties keep the list's order.
 */
export function penalise<T extends { itemId: string; score: number }>(
  ranked: readonly T[],
  k: number,
  penalty: (itemId: string) => number,
): T[] {
  return ranked
    .map((r, i) => ({ r: { ...r, score: r.score * penalty(r.itemId) }, i }))
    .sort((a, b) => b.r.score - a.r.score || a.i - b.i)
    .slice(0, k)
    .map((x) => x.r);
}
