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
  const content = alpha > 0
    ? 'profile' in query
      ? engine.recommend(query.profile, { similarity: 'COSINE', k: pool, exclude })
      : engine.similarItems(query.itemId, { similarity: 'COSINE', k: pool, exclude })
    : [];
  const contentOf = new Map<string, Scored>(content.map((s) => [s.itemId, s]));
  let maxCollab = 0;
  const collabOnly: string[] = [];
  for (const [id, c] of collab.scores) {
    if (exclude.has(id) || !engine.has(id)) continue;
    if (c > maxCollab) maxCollab = c;
    if (!contentOf.has(id)) collabOnly.push(id);
  }
  const cosineOf = new Map<string, number>(content.map((s) => [s.itemId, s.score]));
  if (alpha > 0) for (const s of score(collabOnly, false)) cosineOf.set(s.itemId, s.score);
  else for (const id of collabOnly) cosineOf.set(id, 0);

  const blended: { itemId: string; score: number; content: number; collab: number }[] = [];
  for (const [itemId, cos] of cosineOf) {
    const c = maxCollab > 0 ? (collab.scores.get(itemId) ?? 0) / maxCollab : 0;
    const s = alpha * cos + (1 - alpha) * c;
    if (s > 0) blended.push({ itemId, score: s, content: cos, collab: c });
  }
  blended.sort((a, b) => (before(a.score, a.itemId, b.score, b.itemId) ? -1 : 1));
  let top = blended.slice(0, pool);
  if (diversity > 0) {
    const vectors = top.map((r) => featureMap(engine, r.itemId));
    top = mmr(top.map((r) => r.score), k, diversity, (i, j) => dot(vectors[i], vectors[j])).map((i) => top[i]);
  }

  // Explain only what is returned.
  const missing = top.filter((r) => !contentOf.has(r.itemId) && r.content > 0).map((r) => r.itemId);
  for (const s of alpha > 0 ? score(missing, true) : []) contentOf.set(s.itemId, s);
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
