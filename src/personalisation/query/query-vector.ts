/** Query vectors as the engine builds them from features and interests: pure, no state. */
import type { Segments } from '../index/segments';
import { termWeight } from '../similarity';
import { scaleToUnit } from '../tfidf';
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

/** An item's feature vector (its unit TF-IDF weights), heaviest first, or null if it is not live. */
export function itemEntries(segments: Segments, itemId: string): VectorEntry[] | null {
  const handle = segments.handleOf(itemId);
  if (handle === undefined) return null;
  const { vocab } = segments;
  const { fwd, d } = segments.locate(handle);
  const entries: VectorEntry[] = [];
  for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++) {
    const id = fwd.termIds[p];
    entries.push({ id, term: vocab.terms[id], weight: termWeight(fwd.tfs[p], vocab.idf[id], fwd.norms[d]) });
  }
  return byWeight(entries);
}

/** A raw interest map as a query: known terms only, raw * idf, L2-normalised. */
export function queryFromRaw(segments: Segments, raw: ReadonlyMap<string, number>): QueryVector {
  const { vocab } = segments;
  const entries: VectorEntry[] = [];
  for (const [term, w] of raw) {
    const id = vocab.id(term);
    if (id === undefined || vocab.liveDf[id] <= 0) continue;
    const weight = w * vocab.idf[id];
    if (weight > 0 && Number.isFinite(weight)) entries.push({ id, term, weight });
  }
  return toQueryVector(byWeight(scaleToUnit(entries)));
}
