/** The slow, obvious recommender the engine is checked against: maps, sorts, no pruning. */
import { CatalogueItem, SimilarityKind } from '../../../src/personalisation/engine';
import { cosine, jaccard } from '../../../src/personalisation/similarity';
import { smoothIdf, tfidfVector } from '../../../src/personalisation/tfidf';
import { itemTermCounts } from '../../../src/personalisation/tokenise';

export interface RefResult {
  itemId: string;
  score: number;
}

export class Reference {
  readonly vectors = new Map<string, Map<string, number>>();
  readonly idf: (term: string) => number;

  constructor(
    items: CatalogueItem[],
    idf?: (term: string) => number,
    readonly topN = 50,
  ) {
    const latest = new Map(items.map((i) => [i.id, itemTermCounts(i)]));
    const df = new Map<string, number>();
    for (const counts of latest.values()) for (const t of counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    this.idf = idf ?? ((t) => smoothIdf(latest.size, df.get(t) ?? 0));
    for (const [id, counts] of latest) this.vectors.set(id, tfidfVector(counts, this.idf));
    this.known = new Set(df.keys());
  }

  private readonly known: Set<string>;

  interest(raw: ReadonlyMap<string, number>): Map<string, number> {
    const v = [...raw]
      .filter(([t, w]) => this.known.has(t) && w > 0)
      .map(([t, w]) => [t, w * this.idf(t)] as [string, number]);
    const norm = Math.hypot(...v.map(([, w]) => w));
    return new Map(v.map(([t, w]) => [t, w / norm]));
  }

  rank(query: Map<string, number>, similarity: SimilarityKind, k: number, exclude: ReadonlySet<string>): RefResult[] {
    const u = new Set(
      [...query]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, this.topN)
        .map(([t]) => t),
    );
    const out: RefResult[] = [];
    for (const [id, vec] of this.vectors) {
      if (exclude.has(id)) continue;
      const score = similarity === 'COSINE' ? cosine(query, vec) : jaccard(u, new Set(vec.keys()));
      if (score > 0) out.push({ itemId: id, score });
    }
    return out.sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1)).slice(0, k);
  }
}

/**
 * The top k of the full reference ranking, where items whose scores differ by less than `tol`
 * may swap places (they tie up to rounding, also across the k-th place).
 */
export function expectSameRanking(actual: RefResult[], full: RefResult[], k: number, tol = 1e-9): void {
  expect(actual.length).toBe(Math.min(k, full.length));
  for (let i = 0; i < actual.length; i++) {
    expect(Math.abs(actual[i].score - full[i].score)).toBeLessThan(tol);
    if (actual[i].itemId !== full[i].itemId) {
      const tied = full.filter((e) => Math.abs(e.score - full[i].score) < tol).map((e) => e.itemId);
      expect(tied).toContain(actual[i].itemId);
    }
  }
}
