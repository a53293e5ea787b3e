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
import type { RecommendationEngine, Restriction, Scored, WeightedTerm } from './engine';
import { mmr, mmrPoolSize } from './query/mmr';
import { REASONS } from './query/reasons';
import { before } from './query/top-k';

export interface HybridOptions {
  /** Weight of the content half, in [0, 1]. */
  alpha: number;
  k: number;
  exclude?: ReadonlySet<string>;
  diversity?: number;
  /** Only items passing this (a filter, or only some ids): both halves honour it, and score-0 items complete the answer. */
  restriction?: Restriction;
  /** With diversity: a factor on each candidate's score before MMR picks (impressions, feedback.ts). */
  penalty?: (itemId: string) => number;
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

/** How much co-occurrence evidence a result carries. */
const EVIDENCE = 3;

export function hybridRank(
  engine: RecommendationEngine,
  query: ContentQuery,
  collab: CollabSignal,
  options: HybridOptions,
): HybridScored[] {
  const k = Math.max(0, Math.floor(options.k));
  if (k === 0) return [];
  const alpha = Math.min(1, Math.max(0, options.alpha));
  const diversity = Math.min(1, Math.max(0, options.diversity ?? 0));
  const exclude = new Set(options.exclude ?? []);
  if ('itemId' in query) exclude.add(query.itemId);
  const pool = diversity > 0 ? mmrPoolSize(k) : k;
  const restriction: Restriction = options.restriction ?? {};
  const score = (items: Iterable<string>, reasons: boolean) =>
    'profile' in query
      ? engine.scoreItems(query.profile, items, { reasons })
      : engine.scoreItemsForItem(query.itemId, items, { reasons });

  // Candidates: the content top-pool from the index (with reasons)...
  const content =
    'profile' in query
      ? engine.recommend(query.profile, { similarity: 'COSINE', k: pool, exclude, ...restriction })
      : engine.similarItems(query.itemId, { similarity: 'COSINE', k: pool, exclude, ...restriction });
  // A restricted content query ends with score-0 items (no reasons): candidates all the same.
  const inContent = new Set(content.map((s) => s.itemId));
  const contentOf = new Map<string, Scored>(content.filter((s) => s.score > 0).map((s) => [s.itemId, s]));
  // ...and the items with co-occurrence evidence, strongest first. Any of them outside the content
  // pool has a cosine of at most the pool's last (0 when the pool is not full: then every item
  // with a cosine is in it).
  const bar = content.length === pool ? content[pool - 1].score : 0;
  const restricted = Boolean(restriction.filter) || Boolean(restriction.only);
  const allowed = (itemId: string) => !exclude.has(itemId) && (!restricted || engine.passes(itemId, restriction));
  // The scale: the strongest evidence among items the catalogue still has.
  let maxCollab = 0;
  for (const s of content) maxCollab = Math.max(maxCollab, collab.scores.get(s.itemId) ?? 0);
  for (const [itemId, c] of collab.scores) if (c > maxCollab && engine.has(itemId) && allowed(itemId)) maxCollab = c;
  const collabPart = (itemId: string) => (maxCollab > 0 ? (collab.scores.get(itemId) ?? 0) / maxCollab : 0);
  const offer = (s: Scored) => best.offer(s.itemId, alpha * s.score + (1 - alpha) * collabPart(s.itemId), s.score);

  const best = new BestList(pool);
  content.forEach(offer);
  // An item outside the pool scores at most alpha * bar + its collaborative part; once the list
  // is full its last score only rises, so an item whose bound is below it now can never enter.
  const bound = (c: number) => alpha * bar + (1 - alpha) * (maxCollab > 0 ? c / maxCollab : 0);
  const floor = best.full ? best.lastScore : -Infinity;
  const others: { itemId: string; collab: number }[] = [];
  for (const [itemId, c] of collab.scores)
    if (bound(c) >= floor && !inContent.has(itemId) && allowed(itemId)) others.push({ itemId, collab: c });
  others.sort((a, b) => b.collab - a.collab || (a.itemId < b.itemId ? -1 : 1));
  // Score the others exactly, in order of evidence, until even a perfect-for-its-rank one
  // (cosine = bar) could not enter: every later one has less evidence.
  const CHUNK = 32;
  for (let at = 0; at < others.length; at += CHUNK) {
    if (best.full && bound(others[at].collab) < best.lastScore) break;
    const chunk = others.slice(at, at + CHUNK).map((o) => o.itemId);
    score(chunk, false).forEach(offer);
  }
  let top = best.entries.map((e) => ({
    itemId: e.itemId,
    score: e.score,
    content: e.content,
    collab: collabPart(e.itemId),
  }));
  if (restricted && top.length < pool) {
    // Every allowed item scoring above 0 is in: the rest score 0, in id order.
    const taken = new Set(top.map((r) => r.itemId));
    for (const itemId of engine.completion(pool - top.length, restriction, taken, exclude))
      top.push({ itemId, score: 0, content: 0, collab: 0 });
  }
  if (diversity > 0) {
    const { penalty } = options;
    if (penalty)
      top = top
        .map((r, at) => ({ ...r, score: r.score * penalty(r.itemId), at }))
        .sort((a, b) => b.score - a.score || a.at - b.at)
        .map(({ at: _, ...r }) => r);
    const vectors = top.map((r) => featureMap(engine, r.itemId));
    top = mmr(
      top.map((r) => r.score),
      k,
      diversity,
      (a, b) => dot(vectors[a], vectors[b]),
    ).map((j) => top[j]);
  }

  // Explain only what is returned.
  const missing = top.filter((r) => !contentOf.has(r.itemId) && r.content > 0).map((r) => r.itemId);
  for (const s of score(missing, true)) contentOf.set(s.itemId, s);
  return top.map((r) => ({
    ...r,
    reasons: (contentOf.get(r.itemId)?.reasons ?? [])
      .slice(0, REASONS)
      .map((t) => ({ term: t.term, weight: alpha * t.weight })),
    boughtTogether:
      maxCollab > 0 && r.collab > 0
        ? collab
            .evidence(r.itemId)
            .slice(0, EVIDENCE)
            .map((e) => ({ itemId: e.itemId, contribution: ((1 - alpha) * e.contribution) / maxCollab }))
        : [],
  }));
}
/** The best `size` entries offered, by score then id, kept sorted by insertion (size is small). */
class BestList {
  readonly entries: { itemId: string; score: number; content: number }[] = [];

  constructor(private readonly size: number) {}

  get full(): boolean {
    return this.entries.length === this.size;
  }

  get lastScore(): number {
    return this.entries[this.entries.length - 1].score;
  }

  offer(itemId: string, score: number, content: number): void {
    if (!(score > 0) || this.size <= 0) return;
    const e = this.entries;
    if (e.length === this.size && !before(score, itemId, e[e.length - 1].score, e[e.length - 1].itemId)) return;
    let at = e.length;
    while (at > 0 && before(score, itemId, e[at - 1].score, e[at - 1].itemId)) at--;
    e.splice(at, 0, { itemId, score, content });
    if (e.length > this.size) e.pop();
  }
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
