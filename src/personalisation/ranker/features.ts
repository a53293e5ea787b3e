/**
 * The learned ranker's features of a (user, candidate item) pair, each cheap from what the engine
 * already holds: the content scores, the co-occurrence neighbours of the user's recent items, the
 * direction of transitions, popularity and its trend, and the user's history. Pure: the caller
 * passes the signals in (`RankerSignals`), so the offline evaluation and the service compute the
 * very same numbers.
 *
 * Features are named and grouped; a group is what the ablation removes and what a reason speaks
 * for ("often bought next after “…”", "popular this week", "matches: yarn").
 */
import type { Neighbour } from '../collab';

/** The feature groups, in the order the ablation reports them. */
export const FEATURE_GROUPS = [
  'content',
  'coOccurrence',
  'transitions',
  'popularity',
  'history',
  'categoryBrandPrice',
] as const;
export type FeatureGroup = (typeof FEATURE_GROUPS)[number];

export interface FeatureSpec {
  name: string;
  group: FeatureGroup;
  /** What it measures, for the docs and the model file. */
  description: string;
}

/** Every feature, in the order of a feature row. */
export const FEATURES: readonly FeatureSpec[] = [
  { name: 'cosine', group: 'content', description: "COSINE score of the item against the user's interests" },
  { name: 'jaccard', group: 'content', description: "JACCARD score against the user's top interest terms" },
  { name: 'cosineLast', group: 'content', description: "cosine of the item's features with the latest item's" },
  {
    name: 'collab',
    group: 'coOccurrence',
    description: "HYBRID's collaborative half: decayed votes / the user's strongest",
  },
  { name: 'votesLatest', group: 'coOccurrence', description: 'co-occurrence with the latest item' },
  { name: 'votesSecond', group: 'coOccurrence', description: 'co-occurrence with the second latest item' },
  { name: 'votes3to4', group: 'coOccurrence', description: 'co-occurrence with the 3rd and 4th latest items' },
  { name: 'votes5to10', group: 'coOccurrence', description: 'co-occurrence with the 5th to 10th latest items' },
  { name: 'votesFast', group: 'coOccurrence', description: 'co-occurrence votes decaying 0.3 per step back' },
  { name: 'votesSlow', group: 'coOccurrence', description: 'co-occurrence votes decaying 0.9 per step back' },
  { name: 'voters', group: 'coOccurrence', description: 'how many recent items vote for the item' },
  {
    name: 'conditionalLatest',
    group: 'coOccurrence',
    description: 'pair weight / users of the latest item (P(item | latest))',
  },
  { name: 'conditional', group: 'coOccurrence', description: 'the same, decayed over the recent items' },
  { name: 'nextAfterLatest', group: 'transitions', description: 'how often the item is bought next after the latest' },
  { name: 'nextAfterRecent', group: 'transitions', description: 'the same over the 3 latest items, halving' },
  { name: 'nextConditional', group: 'transitions', description: 'forward pair weight / users, decayed 0.7' },
  { name: 'beforeRecent', group: 'transitions', description: 'how often the item came before the recent ones' },
  { name: 'popularity', group: 'popularity', description: 'log(1 + interactions) all time' },
  { name: 'popularityWeek', group: 'popularity', description: 'log(1 + interactions) in the last 7 days' },
  { name: 'trend', group: 'popularity', description: 'log((last 7 days + 1) / (the 7 days before + 1))' },
  { name: 'lengthCosine', group: 'history', description: 'log(1 + history length) x cosine' },
  { name: 'lengthCollab', group: 'history', description: 'log(1 + history length) x collab' },
  { name: 'categoryShare', group: 'categoryBrandPrice', description: "share of the history in the item's categories" },
  { name: 'brandShare', group: 'categoryBrandPrice', description: "share of the history of the item's brand" },
  {
    name: 'priceDistance',
    group: 'categoryBrandPrice',
    description: "|log price - the history's mean log price| (0 when unknown)",
  },
];

export const FEATURE_COUNT = FEATURES.length;
const INDEX = new Map(FEATURES.map((f, i) => [f.name, i]));

/** The position of a named feature in a row. */
export function featureIndex(name: string): number {
  const i = INDEX.get(name);
  if (i === undefined) throw new Error(`unknown ranker feature ${name}`);
  return i;
}

/** What a candidate's facts are, for the category, brand and price features. */
export interface ItemFacts {
  categories: readonly string[];
  brand: string | null;
  price: number | null;
}

/** Everything the features read, supplied by the caller. */
export interface RankerSignals {
  /** The user's distinct items, most recent first. */
  historyNewestFirst: readonly string[];
  cosine: ReadonlyMap<string, number>;
  jaccard: ReadonlyMap<string, number>;
  /** Cosine of each candidate with the latest history item. */
  cosineLatest: ReadonlyMap<string, number>;
  /** An item's strongest co-occurrence pairs (sim = w / sqrt(users(a) users(b))), strongest first. */
  neighbours(itemId: string): readonly Neighbour[];
  /** How many users have the item (the pair normalisation). */
  usersOf(itemId: string): number;
  /** How many histories have `b` directly or within the window after `a` (forward pairs only). */
  forward(a: string, b: string): number;
  /** Interactions with the item: all time, the last 7 days, the 7 days before. */
  popularity(itemId: string): { all: number; week: number; weekBefore: number };
  facts(itemId: string): ItemFacts | undefined;
}

/** How the co-occurrence votes are counted: HYBRID's settings. */
export interface VoteOptions {
  historyLength: number;
  historyDecay: number;
  neighbours: number;
}

/**
 * The feature rows of `candidates` (row-major, FEATURE_COUNT per candidate). Cost: one pass over
 * the recent items' neighbour lists plus constant work per candidate.
 */
export function featureRows(candidates: readonly string[], signals: RankerSignals, options: VoteOptions): Float64Array {
  const rows = new Float64Array(candidates.length * FEATURE_COUNT);
  const recent = signals.historyNewestFirst.slice(0, options.historyLength);
  const position = new Map(candidates.map((id, i) => [id, i]));
  const votes = new Float64Array(candidates.length * 9);
  // 0 collab, 1 latest, 2 second, 3 3rd-4th, 4 5th-10th, 5 fast, 6 slow, 7 voters, 8 conditional
  const conditionalLatest = new Float64Array(candidates.length);
  let decay = 1;
  for (let h = 0; h < recent.length; h++, decay *= options.historyDecay) {
    const from = recent[h];
    const usersFrom = Math.max(1, signals.usersOf(from));
    const list = signals.neighbours(from);
    const m = Math.min(options.neighbours, list.length);
    const band = h === 0 ? 1 : h === 1 ? 2 : h <= 3 ? 3 : 4;
    const fast = Math.pow(0.3, h);
    const slow = Math.pow(0.9, h);
    for (let j = 0; j < m; j++) {
      const i = position.get(list[j].itemId);
      if (i === undefined) continue;
      const sim = list[j].sim;
      const v = i * 9;
      votes[v] += decay * sim;
      votes[v + band] += sim;
      votes[v + 5] += fast * sim;
      votes[v + 6] += slow * sim;
      votes[v + 7] += 1;
      // sim * sqrt(users(to) / users(from)) = w / users(from): P(item | from)
      const conditional = (sim * Math.sqrt(Math.max(1, signals.usersOf(list[j].itemId)))) / Math.sqrt(usersFrom);
      votes[v + 8] += decay * conditional;
      if (h === 0) conditionalLatest[i] = conditional;
    }
  }
  let maxCollab = 0;
  for (let i = 0; i < candidates.length; i++) maxCollab = Math.max(maxCollab, votes[i * 9]);

  const length = Math.log1p(signals.historyNewestFirst.length);
  const history = historyFacts(signals);
  for (let i = 0; i < candidates.length; i++) {
    const id = candidates[i];
    const r = rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT);
    const v = i * 9;
    const cosine = signals.cosine.get(id) ?? 0;
    const collab = maxCollab > 0 ? votes[v] / maxCollab : 0;
    r[0] = cosine;
    r[1] = signals.jaccard.get(id) ?? 0;
    r[2] = signals.cosineLatest.get(id) ?? 0;
    r[3] = collab;
    for (let k = 1; k <= 7; k++) r[3 + k] = votes[v + k];
    r[11] = conditionalLatest[i];
    r[12] = votes[v + 8];
    const t = transitions(id, recent, signals);
    r[13] = t.nextAfterLatest;
    r[14] = t.nextAfterRecent;
    r[15] = t.nextConditional;
    r[16] = t.beforeRecent;
    const pop = signals.popularity(id);
    r[17] = Math.log1p(pop.all);
    r[18] = Math.log1p(pop.week);
    r[19] = Math.log((pop.week + 1) / (pop.weekBefore + 1));
    r[20] = length * cosine;
    r[21] = length * collab;
    const facts = signals.facts(id);
    if (facts && history.items > 0) {
      let inCategory = 0;
      for (const c of facts.categories) inCategory = Math.max(inCategory, history.categories.get(c) ?? 0);
      r[22] = inCategory / history.items;
      r[23] = facts.brand ? (history.brands.get(facts.brand) ?? 0) / history.items : 0;
      r[24] =
        facts.price !== null && facts.price > 0 && history.prices > 0
          ? Math.abs(Math.log(facts.price) - history.logPrice / history.prices)
          : 0;
    }
  }
  return rows;
}

/** Directed pair evidence: what came next after the recent items, and what came before them. */
function transitions(
  id: string,
  recent: readonly string[],
  signals: RankerSignals,
): { nextAfterLatest: number; nextAfterRecent: number; nextConditional: number; beforeRecent: number } {
  let nextAfterLatest = 0;
  let nextAfterRecent = 0;
  let nextConditional = 0;
  let beforeRecent = 0;
  const usersTo = Math.max(1, signals.usersOf(id));
  let decay = 1;
  for (let h = 0; h < recent.length; h++, decay *= 0.7) {
    const a = recent[h];
    const usersFrom = Math.max(1, signals.usersOf(a));
    const after = signals.forward(a, id);
    if (after > 0) {
      const sim = after / Math.sqrt(usersFrom * usersTo);
      if (h === 0) nextAfterLatest = sim;
      if (h < 3) nextAfterRecent += Math.pow(0.5, h) * sim;
      nextConditional += (decay * after) / usersFrom;
    }
    if (h < 3) {
      const before = signals.forward(id, a);
      if (before > 0) beforeRecent += before / Math.sqrt(usersFrom * usersTo);
    }
  }
  return { nextAfterLatest, nextAfterRecent, nextConditional, beforeRecent };
}

interface HistoryFacts {
  items: number;
  categories: Map<string, number>;
  brands: Map<string, number>;
  logPrice: number;
  prices: number;
}

function historyFacts(signals: RankerSignals): HistoryFacts {
  const out: HistoryFacts = { items: 0, categories: new Map(), brands: new Map(), logPrice: 0, prices: 0 };
  for (const id of signals.historyNewestFirst) {
    const f = signals.facts(id);
    if (!f) continue;
    out.items++;
    for (const c of new Set(f.categories)) out.categories.set(c, (out.categories.get(c) ?? 0) + 1);
    if (f.brand) out.brands.set(f.brand, (out.brands.get(f.brand) ?? 0) + 1);
    if (f.price !== null && f.price > 0) {
      out.logPrice += Math.log(f.price);
      out.prices++;
    }
  }
  return out;
}
