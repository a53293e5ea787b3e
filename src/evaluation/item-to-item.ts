/**
 * Item-to-item evaluation on a real catalogue: does similarItems find the items bought together
 * with an item (its also_buy links inside the catalogue)? Recall@k and NDCG@k over every item
 * with at least one such link, next to popularity (also_buy in-degree) and a seeded random order.
 */
import { RecommendationEngine, SimilarityKind } from '../personalisation/engine';
import { seededRandom, shuffle } from '../util/random';
import type { EvalItem } from './data';
import { Mean, ndcgSetAt, recallAt } from './metrics';

export type ItemRanker = SimilarityKind | 'POPULARITY' | 'RANDOM';

export interface ItemResult {
  ranker: ItemRanker;
  recall: number;
  ndcg: number;
  items: number;
}

/** Each item's also_buy links that name another item of the catalogue. */
export function alsoBuyLinks(items: EvalItem[]): Map<string, Set<string>> {
  const ids = new Set(items.map((i) => i.id));
  const links = new Map<string, Set<string>>();
  for (const item of items) {
    const raw = item.attributes.also_buy;
    const inside = new Set((Array.isArray(raw) ? raw : []).map(String).filter((id) => ids.has(id) && id !== item.id));
    if (inside.size > 0) links.set(item.id, inside);
  }
  return links;
}

export function evaluateItems(
  engine: RecommendationEngine,
  items: EvalItem[],
  rankers: ItemRanker[],
  k = 10,
  seed = 7,
): ItemResult[] {
  const links = alsoBuyLinks(items);
  const inDegree = new Map<string, number>();
  for (const targets of links.values()) for (const id of targets) inDegree.set(id, (inDegree.get(id) ?? 0) + 1);
  const popular = items
    .map((i) => i.id)
    .sort((a, b) => (inDegree.get(b) ?? 0) - (inDegree.get(a) ?? 0) || (a < b ? -1 : 1));
  const allIds = items.map((i) => i.id);
  return rankers.map((ranker) => {
    const random = seededRandom(seed);
    const recall = new Mean();
    const ndcg = new Mean();
    for (const [id, relevant] of links) {
      let ranked: string[];
      if (ranker === 'POPULARITY') ranked = popular.filter((x) => x !== id).slice(0, k);
      else if (ranker === 'RANDOM')
        ranked = shuffle(
          random,
          allIds.filter((x) => x !== id),
        ).slice(0, k);
      else ranked = engine.similarItems(id, { similarity: ranker, k }).map((s) => s.itemId);
      recall.add(recallAt(ranked, relevant, k));
      ndcg.add(ndcgSetAt(ranked, relevant, k));
    }
    return { ranker, recall: recall.value, ndcg: ndcg.value, items: recall.count };
  });
}
