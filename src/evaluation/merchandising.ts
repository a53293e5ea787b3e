/**
 * Offline evaluation of issue 16's features on the Beauty leave-one-out cases:
 *  - rank: the test item among 100 candidates (it plus 99 items drawn at random with a fixed
 *    seed from those outside the user's history); HR@10 and NDCG@10 of the position the same
 *    restricted search `User.rank` serves gives it, for COSINE, HYBRID and popularity;
 *  - negative feedback: each user marks NOT_INTERESTED the first item of their top 10 whose
 *    category they never bought (categories(): Beauty's release names none, see there), other
 *    than the item they go on to choose; the next top 10 is ranked with that
 *    item excluded and its terms weakened by NEGATIVE_WEIGHT (feedback.ts), as the API does.
 *    Reported per weight: the share of the rejected category in the next list, and HR@10 beside
 *    the list without feedback.
 */
import { CoOccurrence, userCollab } from '../personalisation/collab';
import type { RecommendationEngine } from '../personalisation/engine';
import { weakenRejectedTerms } from '../personalisation/feedback';
import { hybridRank } from '../personalisation/hybrid';
import { buildProfile, ProfileEvent } from '../personalisation/interests';
import { seededRandom } from '../util/random';
import type { EvalItem } from './data';
import { newestFirst, popularity, ProfileSettings, UserCase } from './leave-one-out';
import { hitAt, Mean, ndcgAt } from './metrics';

export interface Context {
  engine: RecommendationEngine;
  items: EvalItem[];
  termsOf: (itemId: string) => ReadonlyMap<string, number> | undefined;
  settings: ProfileSettings;
  co: CoOccurrence;
  alpha: number;
}

function profileOf(c: Context, { history, target }: UserCase): Map<string, number> {
  const events: ProfileEvent[] = [];
  for (const e of history) {
    const terms = e.itemId ? c.termsOf(e.itemId) : undefined;
    if (terms) events.push({ kind: e.kind, occurredAtMs: e.occurredAtMs, terms });
  }
  return buildProfile(events, { ...c.settings, asOfMs: target.occurredAtMs }).weights;
}

function historyIds(u: UserCase): Set<string> {
  return new Set(u.history.map((e) => e.itemId).filter((id): id is string => id !== null));
}

export interface RankResult {
  ranker: string;
  hr: number;
  ndcg: number;
  users: number;
}

/** `User.rank` on 100 candidates per user: the target and 99 random others (seed fixed). */
export function evaluateRank(c: Context, cases: UserCase[], seed = 16, candidates = 100): RankResult[] {
  const random = seededRandom(seed);
  const ids = c.items.map((i) => i.id);
  const popular = popularity(cases);
  const popRank = new Map(popular.map((id, r) => [id, r]));
  const results = ['COSINE', 'HYBRID', 'POPULARITY'].map((ranker) => ({ ranker, hr: new Mean(), ndcg: new Mean() }));
  for (const u of cases) {
    const target = u.target.itemId!;
    const seen = historyIds(u);
    const pool = new Set([target]);
    while (pool.size < Math.min(candidates, ids.length - seen.size)) {
      const id = ids[Math.floor(random() * ids.length)];
      if (!seen.has(id)) pool.add(id);
    }
    const only = [...pool];
    const profile = profileOf(c, u);
    const collab = userCollab(newestFirst(u.history), (id) => c.co.neighbours(id), c.co.options);
    const lists: Record<string, string[]> = {
      COSINE: c.engine.recommend(profile, { similarity: 'COSINE', k: only.length, only }).map((s) => s.itemId),
      HYBRID: hybridRank(c.engine, { profile }, collab, { alpha: c.alpha, k: only.length, restriction: { only } }).map(
        (s) => s.itemId,
      ),
      POPULARITY: [...only].sort(
        (a, b) => (popRank.get(a) ?? Infinity) - (popRank.get(b) ?? Infinity) || (a < b ? -1 : 1),
      ),
    };
    for (const r of results) {
      r.hr.add(hitAt(lists[r.ranker], target, 10));
      r.ndcg.add(ndcgAt(lists[r.ranker], target, 10));
    }
  }
  return results.map((r) => ({ ranker: r.ranker, hr: r.hr.value, ndcg: r.ndcg.value, users: r.hr.count }));
}

export interface FeedbackResult {
  weight: number;
  /** HR@10 of the list after the feedback (users without a rejectable item keep their list). */
  hr: number;
  /** HR@10 without any feedback, the same users. */
  baseHr: number;
  /** Users who rejected an item. */
  rejecting: number;
  /** Mean share of the rejected item's category in the top 10, before and after. */
  shareBefore: number;
  shareAfter: number;
  users: number;
}

/** The NOT_INTERESTED simulation (HYBRID, the API's best ranking) for each weight. */
export function evaluateNegative(c: Context, cases: UserCase[], weights: number[], k = 10): FeedbackResult[] {
  const categoryOf = categories(c.items);
  const prepared = cases.map((u) => {
    const profile = profileOf(c, u);
    const exclude = historyIds(u);
    const collab = userCollab(newestFirst(u.history), (id) => c.co.neighbours(id), c.co.options);
    const rank = (weights: ReadonlyMap<string, number>, excluded: ReadonlySet<string>) =>
      hybridRank(c.engine, { profile: weights }, collab, { alpha: c.alpha, k, exclude: excluded }).map((s) => s.itemId);
    const before = rank(profile, exclude);
    const bought = new Set([...exclude].map((id) => categoryOf.get(id)));
    // Never the item the user goes on to choose: marking it "not interested" would contradict
    // what they did (and would measure the simulation, not the feedback).
    const rejected = before.find((id) => {
      const cat = categoryOf.get(id);
      return id !== u.target.itemId && cat != null && !bought.has(cat);
    });
    return { u, profile, exclude, rank, before, rejected };
  });
  const share = (list: string[], cat: string | null | undefined) =>
    list.length === 0 ? 0 : list.filter((id) => categoryOf.get(id) === cat).length / list.length;
  return weights.map((weight) => {
    const hr = new Mean();
    const baseHr = new Mean();
    const before = new Mean();
    const after = new Mean();
    for (const p of prepared) {
      const target = p.u.target.itemId!;
      baseHr.add(hitAt(p.before, target, k));
      if (!p.rejected) {
        hr.add(hitAt(p.before, target, k));
        continue;
      }
      const terms = [...(c.termsOf(p.rejected)?.keys() ?? [])];
      const weakened = weakenRejectedTerms(p.profile, [terms], weight);
      const next = p.rank(weakened, new Set([...p.exclude, p.rejected]));
      hr.add(hitAt(next, target, k));
      const cat = categoryOf.get(p.rejected);
      before.add(share(p.before, cat));
      after.add(share(next, cat));
    }
    return {
      weight,
      hr: hr.value,
      baseHr: baseHr.value,
      rejecting: before.count,
      shareBefore: before.value,
      shareAfter: after.value,
      users: hr.count,
    };
  });
}

/**
 * Each item's category: its most specific one where the data names categories; otherwise its
 * most frequent attribute. The S3-Rec release of Beauty has only anonymised attributes (category
 * levels and brand mixed, as tags); an item's most frequent one splits the catalogue into 7
 * groups of 330 to 3,814 items, which is how top-level categories of a beauty shop look.
 */
export function categories(items: readonly EvalItem[]): Map<string, string | null> {
  const df = new Map<string, number>();
  for (const i of items) for (const t of new Set(i.tags)) df.set(t, (df.get(t) ?? 0) + 1);
  return new Map(
    items.map((i) => {
      if (i.categories.length > 0) return [i.id, i.categories[i.categories.length - 1]];
      let best: string | null = null;
      for (const t of i.tags)
        if (best === null || df.get(t)! > df.get(best)! || (df.get(t) === df.get(best) && t < best)) best = t;
      return [i.id, best];
    }),
  );
}
