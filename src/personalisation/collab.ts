/**
 * The collaborative signal: item-to-item co-occurrence in users' histories ("bought together").
 *
 * Each user's history is a sequence of distinct items in the order they first appeared. When
 * item x joins a history, every item y among the `window` items before it gains a pair weight:
 * w(y -> x) += 1 (x came after y) and w(x -> y) += backwardWeight (y came before x). Pairs are
 * counted once per user, so one heavy user cannot dominate a pair. The similarity normalises by
 * how many users each item has (a cosine over user sets):
 *
 *   sim(a -> b) = w(a -> b) / sqrt(users(a) * users(b))
 *
 * A user's collaborative score for a candidate b blends the neighbours of their most recent
 * `historyLength` items, newest first, with a recency decay:
 *
 *   collab(u, b) = sum over h = 0.. of historyDecay^h * sim(history[h] -> b)
 *
 * where only each history item's `neighbours` strongest pairs (by w, ties by id) take part, so a
 * request reads a bounded number of rows. Nothing here does I/O: Postgres holds the weights
 * (item_pairs, item_pair_users) and this module says what they mean; the offline evaluation
 * and the benchmark use the in-memory `CoOccurrence`, which implements the same definition.
 */

export interface CollabOptions {
  /** How many earlier items of a history each new item pairs with. */
  window: number;
  /** Weight of the pair that points back in time (x -> y when y came first). */
  backwardWeight: number;
  /** How many of a user's most recent items vote for candidates. */
  historyLength: number;
  /** Vote weight decay per step back in the history. */
  historyDecay: number;
  /** The strongest pairs per item that take part in scoring. */
  neighbours: number;
}

/** Chosen on the Beauty validation split (npm run eval:recommend -- --tune). */
export const DEFAULT_COLLAB: CollabOptions = {
  window: 10,
  backwardWeight: 0.5,
  historyLength: 10,
  historyDecay: 0.7,
  neighbours: 100,
};

export interface PairDelta {
  a: string;
  b: string;
  weight: number;
}

/**
 * The pair weights one new item adds, given the items already in the user's history, newest
 * first (distinct, and not containing `item`).
 */
export function pairsForNewItem(
  previousNewestFirst: readonly string[],
  item: string,
  options: Pick<CollabOptions, 'window' | 'backwardWeight'>,
): PairDelta[] {
  const out: PairDelta[] = [];
  const n = Math.min(options.window, previousNewestFirst.length);
  for (let i = 0; i < n; i++) {
    const y = previousNewestFirst[i];
    out.push({ a: y, b: item, weight: 1 });
    if (options.backwardWeight > 0) out.push({ a: item, b: y, weight: options.backwardWeight });
  }
  return out;
}

/**
 * All pair weights of one history (oldest first; repeats count at their first appearance),
 * summed per pair: what the history added, and what forgetting the user takes away.
 */
export function pairsOfHistory(
  oldestFirst: readonly string[],
  options: Pick<CollabOptions, 'window' | 'backwardWeight'>,
): PairDelta[] {
  const seen = new Set<string>();
  const sequence: string[] = [];
  for (const id of oldestFirst) {
    if (seen.has(id)) continue;
    seen.add(id);
    sequence.push(id);
  }
  const sums = new Map<string, Map<string, number>>();
  const add = (a: string, b: string, w: number) => {
    let row = sums.get(a);
    if (!row) sums.set(a, (row = new Map<string, number>()));
    row.set(b, (row.get(b) ?? 0) + w);
  };
  for (let j = 0; j < sequence.length; j++) {
    for (let i = Math.max(0, j - options.window); i < j; i++) {
      add(sequence[i], sequence[j], 1);
      if (options.backwardWeight > 0) add(sequence[j], sequence[i], options.backwardWeight);
    }
  }
  const out: PairDelta[] = [];
  for (const [a, row] of sums) for (const [b, weight] of row) out.push({ a, b, weight });
  return out;
}

/** One neighbour of an item, already normalised: sim(a -> item). */
export interface Neighbour {
  itemId: string;
  sim: number;
}

/** The evidence for a candidate: which history item voted, and how much of the score it gave. */
export interface CoEvidence {
  itemId: string;
  contribution: number;
}

/**
 * collab(u, b) for every candidate some recent item votes for.
 * `neighboursOf` returns an item's strongest pairs (at most `options.neighbours` are used).
 */
export function collabScores(
  historyNewestFirst: readonly string[],
  neighboursOf: (itemId: string) => readonly Neighbour[] | undefined,
  options: Pick<CollabOptions, 'historyLength' | 'historyDecay' | 'neighbours'>,
): Map<string, number> {
  const scores = new Map<string, number>();
  forEachVote(historyNewestFirst, neighboursOf, options, (_, itemId, contribution) =>
    scores.set(itemId, (scores.get(itemId) ?? 0) + contribution),
  );
  return scores;
}

/** Which recent items voted for `itemId` and how much, strongest first (the "bought together with" reasons). */
export function collabEvidence(
  historyNewestFirst: readonly string[],
  neighboursOf: (itemId: string) => readonly Neighbour[] | undefined,
  options: Pick<CollabOptions, 'historyLength' | 'historyDecay' | 'neighbours'>,
  itemId: string,
): CoEvidence[] {
  const out: CoEvidence[] = [];
  forEachVote(
    historyNewestFirst,
    neighboursOf,
    options,
    (from, to, contribution) => to === itemId && out.push({ itemId: from, contribution }),
  );
  return out.sort((x, y) => y.contribution - x.contribution || (x.itemId < y.itemId ? -1 : 1));
}

function forEachVote(
  historyNewestFirst: readonly string[],
  neighboursOf: (itemId: string) => readonly Neighbour[] | undefined,
  options: Pick<CollabOptions, 'historyLength' | 'historyDecay' | 'neighbours'>,
  vote: (from: string, to: string, contribution: number) => void,
): void {
  const n = Math.min(options.historyLength, historyNewestFirst.length);
  let decay = 1;
  for (let h = 0; h < n; h++, decay *= options.historyDecay) {
    const from = historyNewestFirst[h];
    const neighbours = neighboursOf(from);
    if (!neighbours) continue;
    const m = Math.min(options.neighbours, neighbours.length);
    for (let i = 0; i < m; i++) {
      const contribution = decay * neighbours[i].sim;
      if (contribution > 0) vote(from, neighbours[i].itemId, contribution);
    }
  }
}

/** Strongest first by raw weight, ties by id: the order the SQL reads neighbours in. */
export function byWeight(x: { itemId: string; weight: number }, y: { itemId: string; weight: number }): number {
  return y.weight - x.weight || (x.itemId < y.itemId ? -1 : x.itemId > y.itemId ? 1 : 0);
}

/**
 * Co-occurrence in memory, with exactly the arithmetic the database path uses: the offline
 * evaluation and the benchmark build one from histories; tests compare it with Postgres.
 */
export class CoOccurrence {
  private readonly weights = new Map<string, Map<string, number>>();
  private readonly users = new Map<string, number>();
  private readonly cache = new Map<string, Neighbour[]>();

  constructor(readonly options: CollabOptions = DEFAULT_COLLAB) {}

  /** Adds one user's whole history (oldest first). */
  addHistory(oldestFirst: readonly string[]): void {
    for (const id of new Set(oldestFirst)) this.users.set(id, (this.users.get(id) ?? 0) + 1);
    for (const { a, b, weight } of pairsOfHistory(oldestFirst, this.options)) {
      let row = this.weights.get(a);
      if (!row) this.weights.set(a, (row = new Map<string, number>()));
      row.set(b, (row.get(b) ?? 0) + weight);
    }
    this.cache.clear();
  }

  usersOf(itemId: string): number {
    return this.users.get(itemId) ?? 0;
  }

  weight(a: string, b: string): number {
    return this.weights.get(a)?.get(b) ?? 0;
  }

  get pairCount(): number {
    let n = 0;
    for (const row of this.weights.values()) n += row.size;
    return n;
  }

  /** The item's `options.neighbours` strongest pairs by weight, normalised. */
  neighbours(itemId: string): Neighbour[] {
    let out = this.cache.get(itemId);
    if (out) return out;
    const row = this.weights.get(itemId);
    const na = this.usersOf(itemId);
    out = row
      ? [...row]
          .map(([id, weight]) => ({ itemId: id, weight }))
          .sort(byWeight)
          .slice(0, this.options.neighbours)
          .map(({ itemId: id, weight }) => ({ itemId: id, sim: weight / Math.sqrt(na * this.usersOf(id)) }))
      : [];
    this.cache.set(itemId, out);
    return out;
  }
}

/** What HYBRID blends: a score per candidate, and on demand the evidence behind one. */
export interface CollabSignal {
  scores: ReadonlyMap<string, number>;
  evidence(itemId: string): CoEvidence[];
}

/** A user's collaborative signal from their recent history. */
export function userCollab(
  historyNewestFirst: readonly string[],
  neighboursOf: (itemId: string) => readonly Neighbour[] | undefined,
  options: Pick<CollabOptions, 'historyLength' | 'historyDecay' | 'neighbours'>,
): CollabSignal {
  return {
    scores: collabScores(historyNewestFirst, neighboursOf, options),
    evidence: (itemId) => collabEvidence(historyNewestFirst, neighboursOf, options, itemId),
  };
}

/** An item's collaborative signal (item-to-item): its own strongest pairs, sim(item -> b). */
export function itemCollab(
  itemId: string,
  neighbours: readonly Neighbour[],
  options: Pick<CollabOptions, 'neighbours'>,
): CollabSignal {
  const used = neighbours.slice(0, options.neighbours);
  return {
    scores: new Map(used.map((n) => [n.itemId, n.sim])),
    evidence: (b) => used.filter((n) => n.itemId === b).map((n) => ({ itemId, contribution: n.sim })),
  };
}
