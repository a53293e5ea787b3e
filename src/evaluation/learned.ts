/**
 * The learned ranker on the leave-one-out protocol: each user's candidates (the content top-K
 * and the strongest items with co-occurrence evidence), their feature rows, and where the item
 * the user took next sits among them. Everything a group is built from comes from the training
 * part of its split only (histories before the target), as for HYBRID.
 */
import type * as TF from '@tensorflow/tfjs';
import { CoOccurrence, DEFAULT_COLLAB, userCollab } from '../personalisation/collab';
import { RecommendationEngine } from '../personalisation/engine';
import { buildProfile, DAY_MS, ProfileEvent } from '../personalisation/interests';
import {
  FEATURE_GROUPS,
  FeatureGroup,
  featureRows,
  ItemFacts,
  RankerSignals,
} from '../personalisation/ranker/features';
import { RankerModel, scoreRows } from '../personalisation/ranker/model';
import {
  DEFAULT_TRAIN,
  groupMetrics,
  RankingGroup,
  RankingMetrics,
  trainRanker,
} from '../personalisation/ranker/train';
import type { EvalInteraction, EvalItem } from './data';
import { cases, coOccurrence, newestFirst, ProfileSettings, UserCase } from './leave-one-out';

/** How many candidates each source gives: chosen on the validation split. */
export interface CandidateOptions {
  content: number;
  coOccurrence: number;
  /** JACCARD scores are read for its top this-many (the rest score 0, as in the index). */
  jaccard: number;
}

export const DEFAULT_CANDIDATES: CandidateOptions = { content: 50, coOccurrence: 150, jaccard: 200 };

const WEEK_MS = 7 * DAY_MS;

/** Sorted interaction times per item, for popularity in a window before any instant. */
class Timeline {
  private readonly times = new Map<string, Float64Array>();

  constructor(all: readonly UserCase[]) {
    const lists = new Map<string, number[]>();
    for (const c of all)
      for (const e of c.history) {
        if (!e.itemId) continue;
        let l = lists.get(e.itemId);
        if (!l) lists.set(e.itemId, (l = []));
        l.push(e.occurredAtMs);
      }
    for (const [id, l] of lists) this.times.set(id, Float64Array.from(l).sort());
  }

  /** Interactions with the item before `asOf`: all, in the week before, and the week before that. */
  counts(itemId: string, asOfMs: number): { all: number; week: number; weekBefore: number } {
    const t = this.times.get(itemId);
    if (!t) return { all: 0, week: 0, weekBefore: 0 };
    const at = (ms: number) => {
      let lo = 0;
      let hi = t.length;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if (t[m] < ms) lo = m + 1;
        else hi = m;
      }
      return lo;
    };
    const now = at(asOfMs);
    const week = at(asOfMs - WEEK_MS);
    return { all: t.length, week: now - week, weekBefore: week - at(asOfMs - 2 * WEEK_MS) };
  }
}

export interface GroupSet {
  groups: RankingGroup[];
  /** Share of users whose target is among their candidates: the most any ranker of them can reach. */
  ceiling: number;
  meanCandidates: number;
}

/** The ranking groups of every case of one split. */
export function rankingGroups(
  engine: RecommendationEngine,
  items: readonly EvalItem[],
  all: readonly UserCase[],
  termsOf: (itemId: string) => ReadonlyMap<string, number> | undefined,
  settings: ProfileSettings,
  candidates: CandidateOptions = DEFAULT_CANDIDATES,
): GroupSet {
  const co = coOccurrence([...all]);
  // Forward pairs only (backward weight 0): what came after what, for the transition features.
  const forward = coOccurrence([...all], { ...DEFAULT_COLLAB, backwardWeight: 0 });
  const timeline = new Timeline(all);
  const facts = new Map<string, ItemFacts>(
    items.map((i) => [i.id, { categories: i.categories, brand: i.brand, price: i.price ?? null }]),
  );
  const groups: RankingGroup[] = [];
  let hits = 0;
  let total = 0;
  for (const { history, target } of all) {
    const exclude = new Set(history.map((e) => e.itemId).filter((id): id is string => id !== null));
    const events: ProfileEvent[] = [];
    for (const e of history) {
      const terms = e.itemId ? termsOf(e.itemId) : undefined;
      if (terms) events.push({ kind: e.kind, occurredAtMs: e.occurredAtMs, terms });
    }
    const profile = buildProfile(events, { ...settings, asOfMs: target.occurredAtMs }).weights;
    const recent = newestFirst(history);
    const ids = candidateIds(engine, profile, recent, co, exclude, candidates);
    const signals: RankerSignals = {
      historyNewestFirst: recent,
      cosine: scores(engine.scoreItems(profile, ids, { reasons: false })),
      jaccard: scores(engine.recommend(profile, { similarity: 'JACCARD', k: candidates.jaccard, exclude })),
      cosineLatest: recent.length
        ? scores(engine.scoreItemsForItem(recent[0], ids, { reasons: false }))
        : new Map<string, number>(),
      neighbours: (id) => co.neighbours(id),
      usersOf: (id) => co.usersOf(id),
      forward: (a, b) => forward.weight(a, b),
      popularity: (id) => timeline.counts(id, target.occurredAtMs),
      facts: (id) => facts.get(id),
    };
    const rows = featureRows(ids, signals, co.options);
    const t = ids.indexOf(target.itemId!);
    if (t >= 0) hits++;
    total += ids.length;
    groups.push({ rows: Float32Array.from(rows), target: t });
  }
  return { groups, ceiling: hits / Math.max(1, all.length), meanCandidates: total / Math.max(1, all.length) };
}

function scores(list: readonly { itemId: string; score: number }[]): Map<string, number> {
  return new Map(list.map((s) => [s.itemId, s.score]));
}

/** The content top-K, then the items with the strongest co-occurrence evidence, history excluded. */
export function candidateIds(
  engine: RecommendationEngine,
  profile: ReadonlyMap<string, number>,
  recent: readonly string[],
  co: CoOccurrence,
  exclude: ReadonlySet<string>,
  candidates: CandidateOptions,
): string[] {
  const out = new Set(
    engine.recommend(profile, { similarity: 'COSINE', k: candidates.content, exclude }).map((s) => s.itemId),
  );
  const collab = userCollab(recent, (id) => co.neighbours(id), co.options);
  const strongest = [...collab.scores]
    .filter(([id]) => !exclude.has(id))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [id] of strongest.slice(0, candidates.coOccurrence)) out.add(id);
  return [...out];
}

export interface LearnedReport {
  validCeiling: number;
  testCeiling: number;
  meanCandidates: number;
  epochs: { epoch: number; hold: RankingMetrics }[];
  trainSeconds: number;
  test: RankingMetrics;
  /** The test figure of a ranker trained without each feature group. */
  ablation: { group: FeatureGroup; test: RankingMetrics; chosenEpochHr: number }[];
  model: RankerModel;
}

/**
 * Trains the ranker on the validation split (the second-to-last item; one user in five held out
 * to choose the epoch) and measures it once on the test split, with and without each feature group.
 */
export function evaluateLearned(
  tf: typeof TF,
  engine: RecommendationEngine,
  items: readonly EvalItem[],
  users: Map<string, EvalInteraction[]>,
  termsOf: (itemId: string) => ReadonlyMap<string, number> | undefined,
  settings: ProfileSettings,
  log: (line: string) => void = () => undefined,
): LearnedReport {
  const valid = rankingGroups(engine, items, cases(users, 'valid'), termsOf, settings);
  log(`ranker: validation groups built (candidate recall ${valid.ceiling.toFixed(4)})`);
  const train = valid.groups.filter((_, i) => i % 5 !== 0);
  const hold = valid.groups.filter((_, i) => i % 5 === 0);
  const test = rankingGroups(engine, items, cases(users, 'test'), termsOf, settings);
  log(`ranker: test groups built (candidate recall ${test.ceiling.toFixed(4)})`);
  const started = Date.now();
  const full = trainRanker(tf, train, hold, { ...DEFAULT_TRAIN, log });
  const trainSeconds = (Date.now() - started) / 1000;
  const onTest = (model: RankerModel) => groupMetrics(test.groups, (g) => scoreRows(g.rows, model));
  const ablation = FEATURE_GROUPS.map((group) => {
    const r = trainRanker(tf, train, hold, { ...DEFAULT_TRAIN, dropped: new Set([group]) });
    log(`ranker: without ${group} trained`);
    return { group, test: onTest(r.model), chosenEpochHr: Math.max(...r.epochs.map((e) => e.hold.hr)) };
  });
  return {
    validCeiling: valid.ceiling,
    testCeiling: test.ceiling,
    meanCandidates: test.meanCandidates,
    epochs: full.epochs,
    trainSeconds,
    test: onTest(full.model),
    ablation,
    model: full.model,
  };
}
