/** What a recommendation is, as the services hand it to any client: an item, its score, and why. */

/** A term and its weight (a feature, an interest, or a term's contribution to a score). */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/** What kind of evidence a reason is. */
export type ReasonKind = 'TERM' | 'BOUGHT_TOGETHER';

/**
 * One piece of evidence as a client sees it: what a person reads, its weight, its kind and,
 * for BOUGHT_TOGETHER, the item.
 */
export interface Reason {
  label: string;
  weight: number;
  kind: ReasonKind;
  itemId: string | null;
}

/**
 * HYBRID's co-occurrence evidence: an item (from the user's history, or the item itself) and
 * its share of the score.
 */
export interface CoPurchase {
  itemId: string;
  weight: number;
}

export interface Recommendation {
  itemId: string;
  score: number;
  /** The shared terms behind the content part of the score. */
  reasons: WeightedTerm[];
  strategy: 'PERSONALISED' | 'POPULAR';
  boughtTogether: CoPurchase[];
}
