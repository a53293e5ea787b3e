/** What every search over a built (base) segment is given, and how a caller asks for the exhaustive path. */
import type { ForwardStore } from '../index/forward-store';
import type { InvertedIndex } from '../index/inverted-index';
import type { Scratch } from './scratch';

/** Asks for the obvious path: score every item (what tests and the benchmark compare against). */
export interface ExhaustiveOption {
  exhaustive?: boolean;
  /** Always the pruned search, even where scoring every item is cheaper (tests compare the two on small catalogues). */
  pruned?: boolean;
}

/** What a base-segment search needs: the segment, its dead items and the query. */
export interface BaseQuery {
  fwd: ForwardStore;
  inv: InvertedIndex;
  dead: Uint8Array;
  idf: Float64Array;
  scratch: Scratch;
  /** Documents to leave out carry scratch.skip[d] === scratch.stamp. */
  stamp: number;
  /** Dense query by term id (cosine weights; for JACCARD, U's weights, > 0 exactly on U). */
  query: Float64Array;
  /** Bitset of the query's terms (U for JACCARD). */
  inQuery: Uint32Array;
  terms: readonly number[];
  /** When a filter restricts the query: 1 for each allowed base document, 0 for the others. */
  allowed?: Uint8Array;
}
