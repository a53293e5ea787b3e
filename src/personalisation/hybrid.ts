/**
 * HYBRID ranking: a blend of the content score (COSINE) and the collaborative score.
 *
 *   hybrid(u, i) = alpha * cosine(u, i) + (1 - alpha) * collab(u, i) / max_j collab(u, j)
 *
 * The collaborative half is scaled by the user's strongest candidate so that both halves lie in
 * [0, 1] and alpha means the same for every user. A user (or item) without co-occurrence evidence
 * gets alpha * cosine: the COSINE order. An item nobody has interacted with yet gets only its
 * content half (cold items fall back to content).
 *
 * Exact top-K: the candidates are the content top-`pool` from the inverted index plus every item
 * with collaborative evidence, each scored exactly. Any other item has collab = 0, so its score
 * alpha * cosine is at most that of the pool's last item, whose own score is at least that much.
 */
import type { CoEvidence, CollabSignal } from './collab';
import type { RecommendationEngine, Scored, WeightedTerm } from './engine';
import { before, mmr } from './rank';

export interface HybridOptions {
  /** Weight of the content half, in [0, 1]. */
  alpha: number;
  k: number;
  exclude?: ReadonlySet<string>;
  diversity?: number;
}

export interface HybridScored extends Scored {
  /** The content half before blending (cosine). */
  content: number;
  /** The collaborative half before blending (collab / max collab, in [0, 1]). */
  collab: number;
  /** "Bought together with": the strongest co-occurrence evidence, each with its share of `score`. */
  boughtTogether: CoEvidence[];
}

/** What the content half is measured against: a user's raw profile, or an item's features. */
export type ContentQuery = { profile: ReadonlyMap<string, number> } | { itemId: string };

const REASONS = 5;
const EVIDENCE = 3;
const poolSize = (k: number) => Math.max(50, 5 * k);

export function hybridRank(engine: RecommendationEngine, query: ContentQuery, collab: CollabSignal, options: HybridOptions): HybridScored[] {
  const k = Math.max(0, Math.floor(options.k));
  if (k === 0) return [];
  const alpha = Math.min(1, Math.max(0, options.alpha));
  const diversity = Math.min(1, Math.max(0, options.diversity ?? 0));
  const exclude = new Set(options.exclude ?? []);
  if ('itemId' in query) exclude.add(query.itemId);
  const pool = diversity > 0 ? poolSize(k) : k;
  const score = (items: Iterable<string>, reasons: boolean) =>
    'profile' in query ? engine.scoreItems(query.profile, items, { reasons }) : engine.scoreItemsForItem(query.itemId, items, { reasons });

  // Candidates: the content top-pool (with reasons), and every item with collaborative evidence.
  const content =
    'profile' in query
      ? engine.recommend(query.profile, { similarity: 'COSINE', k: pool, exclude })
      : engine.similarItems(query.itemId, { similarity: 'COSINE', k: pool, exclude });
  const contentOf = new Map<string, Scored>(content.map((s) => [s.itemId, s]));
  const collabOnly: string[] = [];
  for (const id of collab.scores.keys()) if (!exclude.has(id) && !contentOf.has(id)) collabOnly.push(id);
  // scoreItems leaves out items the catalogue no longer has; their votes do not count.
  const rest = score(collabOnly, false);
  let maxCollab = 0;
  for (const s of content) maxCollab = Math.max(maxCollab, collab.scores.get(s.itemId) ?? 0);
  for (const s of rest) maxCollab = Math.max(maxCollab, collab.scores.get(s.itemId)!);

  // Blend every candidate; keep the best `pool` (score, then id), without sorting them all.
  const n = content.length + rest.length;
  const ids: string[] = new Array(n);
  const cosines = new Float64Array(n);
  const scores = new Float64Array(n);
  let i = 0;
  for (const list of [content, rest]) {
    for (const s of list) {
      const c = maxCollab > 0 ? (collab.scores.get(s.itemId) ?? 0) / maxCollab : 0;
      ids[i] = s.itemId;
      cosines[i] = s.score;
      scores[i++] = alpha * s.score + (1 - alpha) * c;
    }
  }
  const order: number[] = [];
  for (let j = 0; j < n; j++) {
    if (!(scores[j] > 0)) continue;
    if (order.length === pool && !before(scores[j], ids[j], scores[order[pool - 1]], ids[order[pool - 1]])) continue;
    let at = order.length === pool ? pool - 1 : order.length;
    while (at > 0 && before(scores[j], ids[j], scores[order[at - 1]], ids[order[at - 1]])) {
      if (at < pool) order[at] = order[at - 1];
      at--;
    }
    order[at] = j;
    if (order.length > pool) order.length = pool;
  }
  let top = order.map((j) => ({
    itemId: ids[j],
    score: scores[j],
    content: cosines[j],
    collab: maxCollab > 0 ? (collab.scores.get(ids[j]) ?? 0) / maxCollab : 0,
  }));
  if (diversity > 0) {
    const vectors = top.map((r) => featureMap(engine, r.itemId));
    top = mmr(top.map((r) => r.score), k, diversity, (a, b) => dot(vectors[a], vectors[b])).map((j) => top[j]);
  }

  // Explain only what is returned.
  const missing = top.filter((r) => !contentOf.has(r.itemId) && r.content > 0).map((r) => r.itemId);
  for (const s of score(missing, true)) contentOf.set(s.itemId, s);
  return top.map((r) => ({
    ...r,
    reasons: (contentOf.get(r.itemId)?.reasons ?? []).slice(0, REASONS).map((t) => ({ term: t.term, weight: alpha * t.weight })),
    boughtTogether:
      maxCollab > 0 && r.collab > 0
        ? collab.evidence(r.itemId).slice(0, EVIDENCE).map((e) => ({ itemId: e.itemId, contribution: ((1 - alpha) * e.contribution) / maxCollab }))
        : [],
  }));
}
function featureMap(engine: RecommendationEngine, itemId: string): Map<string, number> {
  return new Map((engine.features(itemId) ?? []).map((f: WeightedTerm) => [f.term, f.weight]));
}

function dot(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [t, w] of small) sum += w * (large.get(t) ?? 0);
  return sum;
}
