/**
 * The user-level protocol of the Beauty benchmark (S3-Rec, SOURCE.md): leave one out, full
 * ranking. Each user's last item is the test target (the second to last the validation target,
 * with everything after it hidden); the profile comes from the history before the target through
 * buildProfile; every item the user has not interacted with in that history is ranked.
 */
import { CoOccurrence, DEFAULT_COLLAB, userCollab } from '../personalisation/collab';
import { RecommendationEngine, SimilarityKind } from '../personalisation/engine';
import { hybridRank } from '../personalisation/hybrid';
import { buildProfile, KindWeights, ProfileEvent } from '../personalisation/interests';
import type { EvalInteraction } from './data';
import { hitAt, Mean, ndcgAt } from './metrics';

export type Split = 'test' | 'valid';

export interface UserCase {
  history: EvalInteraction[];
  target: EvalInteraction;
}

/** The case of each user with an item to predict and at least one item before it. */
export function cases(users: Map<string, EvalInteraction[]>, split: Split): UserCase[] {
  const out: UserCase[] = [];
  const hide = split === 'test' ? 1 : 2;
  for (const list of users.values()) {
    const withItems = list.filter((e) => e.itemId !== null);
    if (withItems.length < hide + 1) continue;
    const target = withItems[withItems.length - hide];
    const history = list.filter(
      (e) =>
        e.occurredAtMs < target.occurredAtMs ||
        (e.occurredAtMs === target.occurredAtMs && list.indexOf(e) < list.indexOf(target)),
    );
    out.push({ history, target });
  }
  return out;
}

/** Popularity on the training part only: interactions in the users' histories. */
export function popularity(all: UserCase[]): string[] {
  const counts = new Map<string, number>();
  for (const c of all) for (const e of c.history) if (e.itemId) counts.set(e.itemId, (counts.get(e.itemId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
}

export interface ProfileSettings {
  halfLifeMs: number;
  kindWeights?: KindWeights;
}

/** COLLAB is the collaborative signal alone (HYBRID with alpha = 0). */
export type Ranker = 'POPULARITY' | SimilarityKind | 'HYBRID' | 'COLLAB';

/** Co-occurrence learned from the training part only: every user's history before the target. */
export function coOccurrence(all: UserCase[], options = DEFAULT_COLLAB): CoOccurrence {
  const co = new CoOccurrence(options);
  for (const c of all) co.addHistory(c.history.map((e) => e.itemId).filter((id): id is string => id !== null));
  return co;
}

/** A history's distinct items, most recent interaction first: the order HYBRID's votes decay in. */
export function newestFirst(history: readonly { itemId: string | null }[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = history.length - 1; i >= 0; i--) {
    const id = history[i].itemId;
    if (id === null || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

export interface UserResult {
  ranker: Ranker;
  hr: number;
  ndcg: number;
  users: number;
  /** Users whose profile shares no term with any candidate (ranked nothing). */
  empty: number;
}

export function evaluateUsers(
  engine: RecommendationEngine,
  all: UserCase[],
  termsOf: (itemId: string) => ReadonlyMap<string, number> | undefined,
  settings: ProfileSettings,
  rankers: Ranker[],
  k = 10,
  hybrid?: { co: CoOccurrence; alpha: number },
): UserResult[] {
  const popular = popularity(all);
  if (!hybrid && rankers.some((r) => r === 'HYBRID' || r === 'COLLAB'))
    throw new Error('HYBRID and COLLAB need the co-occurrence');
  return rankers.map((ranker) => {
    const hr = new Mean();
    const ndcg = new Mean();
    let empty = 0;
    for (const { history, target } of all) {
      const exclude = new Set(history.map((e) => e.itemId).filter((id): id is string => id !== null));
      let ranked: string[];
      if (ranker === 'POPULARITY') {
        ranked = [];
        for (const id of popular) {
          if (ranked.length === k) break;
          if (!exclude.has(id)) ranked.push(id);
        }
      } else {
        const events: ProfileEvent[] = [];
        for (const e of history) {
          const terms = e.itemId ? termsOf(e.itemId) : undefined;
          if (terms) events.push({ kind: e.kind, occurredAtMs: e.occurredAtMs, terms });
        }
        const profile = buildProfile(events, { ...settings, asOfMs: target.occurredAtMs });
        if (ranker === 'HYBRID' || ranker === 'COLLAB') {
          const { co, alpha } = hybrid!;
          const collab = userCollab(newestFirst(history), (id) => co.neighbours(id), co.options);
          ranked = hybridRank(engine, { profile: profile.weights }, collab, {
            alpha: ranker === 'COLLAB' ? 0 : alpha,
            k,
            exclude,
          }).map((s) => s.itemId);
        } else ranked = engine.recommend(profile.weights, { similarity: ranker, k, exclude }).map((s) => s.itemId);
        if (ranked.length === 0) empty++;
      }
      hr.add(hitAt(ranked, target.itemId!, k));
      ndcg.add(ndcgAt(ranked, target.itemId!, k));
    }
    return { ranker, hr: hr.value, ndcg: ndcg.value, users: hr.count, empty };
  });
}
