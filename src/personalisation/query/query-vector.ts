/** Query vectors as the engine builds them from features and interests: pure, no state. */
/** A unit query vector by term id, heaviest first (ties by term): JACCARD's U is a prefix. */
export interface QueryVector {
  ids: number[];
  terms: string[];
  weights: number[];
}

export interface VectorEntry {
  id: number;
  term: string;
  weight: number;
}

/** Sorted in place by weight descending, then term: the order of features, interests and queries. */
export function byWeight(entries: VectorEntry[]): VectorEntry[] {
  return entries.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
}

export function toQueryVector(entries: VectorEntry[]): QueryVector {
  return { ids: entries.map((e) => e.id), terms: entries.map((e) => e.term), weights: entries.map((e) => e.weight) };
}
