/**
 * The recommendation engine's one public face, shared by the services and the offline
 * evaluation: TF-IDF item features, idf-weighted interest vectors, exact top-K by COSINE or
 * JACCARD, reasons, MMR diversification, and cheap incremental updates. What is stored lives in
 * index/, how a query is answered in query/ (one algorithm per file); this file routes.
 *
 * Updates. The catalogue is an immutable base segment plus a small delta of items added or
 * changed since the last full build, scored exhaustively, with replaced or removed base items
 * marked dead (index/segments.ts). IDF is frozen at the last full build: N and df of that
 * build, and a term first seen afterwards gets the IDF of df = 1 under that N. So an update
 * never changes another item's weights. Guarantee (tested): at every moment, every query
 * returns exactly what `RecommendationEngine.build(liveItems, { idf: (t) => engine.idf(t) })`
 * returns, i.e. an engine built from scratch on the current items with the frozen IDF. When
 * the delta plus the dead items exceed `rebuildShare` of the base (and `minDelta`), the engine
 * rebuilds fully, after which it equals a plain `build(liveItems)` exactly.
 */
import { Facets, type FacetSource } from './index/facets';
import { Segments, TermCounts } from './index/segments';
import { indexStats, type IndexStats } from './index/stats';
import { IdfRule, SMOOTH_IDF, TermCounter } from './index/vocabulary';
import type { BaseQuery, ExhaustiveOption } from './query/base-query';
import { prunedJaccard } from './query/bitsliced-jaccard';
import { exhaustiveBase, exhaustiveList } from './query/exhaustive';
import { mmr, mmrPoolSize } from './query/mmr';
import { prunedCosine } from './query/pruned-cosine';
import { isRestricted, type Restriction, Restrictions } from './query/restrict';
import type { WeightedTerm } from '../domain/recommendation';
import { explain } from './query/reasons';
import { DenseVector, Scratch } from './query/scratch';
import { idRanks, TopK } from './query/top-k';
import { itemEntries, QueryVector, queryFromRaw, toQueryVector } from './query/query-vector';
import { queryTerms, type TermSource } from './tokenise';

export type { WeightedTerm } from '../domain/recommendation';

/** An item as the engine indexes it: its id and the labels its terms come from. */
export interface CatalogueItem extends TermSource, FacetSource {
  id: string;
}

export interface Scored {
  itemId: string;
  /** Relevance (cosine or Jaccard), also when diversity re-orders the list. */
  score: number;
  reasons: WeightedTerm[];
}

export type SimilarityKind = 'COSINE' | 'JACCARD';

export interface EngineOptions {
  /** JACCARD's U: the query's top N terms by weight. */
  jaccardTopN?: number;
  /** Rebuild fully when delta items plus dead base items exceed this share of the base... */
  rebuildShare?: number;
  /** ...and this many. */
  minDelta?: number;
  /** A fixed IDF for every term (tests use it to state the update guarantee). */
  idf?: (term: string) => number;
}

export type { Restriction } from './query/restrict';

export interface QueryOptions extends ExhaustiveOption, Restriction {
  similarity: SimilarityKind;
  k: number;
  exclude?: ReadonlySet<string>;
  /** 0 = pure relevance order; towards 1, MMR trades relevance for items unlike those already picked. */
  diversity?: number;
  /** With diversity: a factor on each candidate's relevance before MMR picks (impressions, feedback.ts). */
  penalty?: (itemId: string) => number;
}

export const DEFAULT_JACCARD_TOP_N = 50;
/**
 * COSINE scores every item when the catalogue has at most this many items per query term:
 * pruning's set-up per term (ordering the lists, their bounds, windows) then costs more than
 * it saves. Measured once (a script not kept) on the sample's 300 items with a 99-term profile:
 * pruned 73-98 us, every item 37-40 us; at 2,400 items pruned wins 101 vs 140 us. Both give the
 * same top K.
 */
const SCAN_ITEMS_PER_TERM = 10;

export class RecommendationEngine {
  private readonly counter = new TermCounter();
  private readonly jaccardTopN: number;
  private readonly rebuildShare: number;
  private readonly minDelta: number;
  private readonly rule: IdfRule;

  private segments!: Segments;
  private restrictions!: Restrictions;
  /** Each base item's position in id order: ties in the top K settled without comparing strings. */
  private baseRank: Int32Array = new Int32Array(0);
  private scratch!: Scratch;
  /** The query being answered. */
  private readonly dense = new DenseVector();
  /** MMR's other item, loaded while a diversified query compares items with it. */
  private readonly other = new DenseVector();
  private otherLoaded = -1;

  private constructor(options: EngineOptions) {
    this.jaccardTopN = options.jaccardTopN ?? DEFAULT_JACCARD_TOP_N;
    this.rebuildShare = options.rebuildShare ?? 1 / 16;
    this.minDelta = options.minDelta ?? 1000;
    const fixed = options.idf;
    this.rule = fixed ? (term) => fixed(term) : SMOOTH_IDF;
  }

  /** Builds the index from every item; a repeated id keeps its last version. */
  static build(items: Iterable<CatalogueItem>, options: EngineOptions = {}): RecommendationEngine {
    const engine = new RecommendationEngine(options);
    const latest = new Map<string, CatalogueItem>();
    for (const item of items) latest.set(item.id, item);
    const counter = engine.counter;
    const facets = new Facets();
    for (const item of latest.values()) facets.append(item);
    engine.load(
      latest.size,
      (function* () {
        for (const item of latest.values()) yield [item.id, counter.counts(item)] as const;
      })(),
      facets,
    );
    return engine;
  }

  get size(): number {
    return this.segments.live;
  }

  has(itemId: string): boolean {
    return this.segments.handleOf(itemId) !== undefined;
  }

  isKnownTerm(term: string): boolean {
    return this.segments.vocab.isLive(term);
  }

  /** The known terms a search query names (tokenise.ts's queryTerms over this catalogue's terms). */
  queryTerms(query: string): string[] {
    return queryTerms(query, (t) => this.isKnownTerm(t));
  }

  /** The frozen IDF of a known term, or null. */
  idf(term: string): number | null {
    const { vocab } = this.segments;
    const id = vocab.id(term);
    return id === undefined ? null : vocab.idf[id];
  }

  features(itemId: string): WeightedTerm[] | null {
    const entries = itemEntries(this.segments, itemId);
    return entries && entries.map(({ term, weight }) => ({ term, weight }));
  }

  interestVector(raw: ReadonlyMap<string, number>): WeightedTerm[] {
    const v = queryFromRaw(this.segments, raw);
    return v.terms.map((term, i) => ({ term, weight: v.weights[i] }));
  }

  recommend(raw: ReadonlyMap<string, number>, opts: QueryOptions): Scored[] {
    return this.query(queryFromRaw(this.segments, raw), opts, opts.exclude ?? new Set());
  }

  similarItems(itemId: string, opts: QueryOptions): Scored[] {
    const v = this.itemVector(itemId);
    if (!v) return [];
    const exclude = new Set(opts.exclude ?? []);
    exclude.add(itemId);
    return this.query(v, opts, exclude);
  }

  /**
   * Exact COSINE scores, with reasons, of the given items for this profile: the content half of
   * HYBRID, for candidates the inverted index did not rank. Unknown or removed items are left
   * out; the order follows `itemIds`. `reasons: false` skips the reasons (empty) for speed.
   */
  scoreItems(
    raw: ReadonlyMap<string, number>,
    itemIds: Iterable<string>,
    options: { reasons?: boolean } = {},
  ): Scored[] {
    return this.scoreHandles(queryFromRaw(this.segments, raw), itemIds, options.reasons ?? true);
  }

  /** The same for an item's own feature vector (item-to-item HYBRID). */
  scoreItemsForItem(itemId: string, itemIds: Iterable<string>, options: { reasons?: boolean } = {}): Scored[] {
    const v = this.itemVector(itemId);
    return v ? this.scoreHandles(v, itemIds, options.reasons ?? true) : [];
  }

  upsert(items: CatalogueItem[]): void {
    for (const item of items) {
      this.segments.remove(item.id);
      this.segments.append(item.id, this.counter.counts(item));
      this.restrictions.facets.append(item);
    }
    this.restrictions.invalidate();
    this.maybeRebuild();
  }

  remove(itemIds: string[]): void {
    for (const id of itemIds) this.segments.remove(id);
    this.restrictions.invalidate();
    this.maybeRebuild();
  }

  /** Merges base and delta into a new base, recomputing IDF over the live items. */
  rebuild(): void {
    const docs = this.segments.liveDocs();
    // Facets follow the handles: live base items, then live delta items, as liveDocs orders them.
    this.load(docs.length, docs, this.restrictions.facets.compact(this.restrictions.alive));
  }

  /** Sizes for the benchmark: postings, and bytes of the posting-proportional and all typed arrays. */
  stats(): IndexStats {
    return indexStats(this.segments, this.scratch, this.baseRank);
  }

  private load(n: number, docs: Iterable<TermCounts>, facets: Facets): void {
    this.segments = new Segments(n, docs, this.rule);
    this.baseRank = idRanks(this.segments.baseIds, this.segments.baseOf);
    this.restrictions = new Restrictions(this.segments, facets, this.baseRank);
    this.scratch = new Scratch(this.segments.baseIds.length);
  }

  private maybeRebuild(): void {
    const { changed, base } = this.segments;
    if (changed > Math.max(this.minDelta, this.rebuildShare * base.count)) this.rebuild();
  }

  /** The same as a query. */
  private itemVector(itemId: string): QueryVector | null {
    const entries = itemEntries(this.segments, itemId);
    return entries && toQueryVector(entries);
  }

  private query(v: QueryVector, opts: QueryOptions, exclude: ReadonlySet<string>): Scored[] {
    const k = Math.max(0, Math.floor(opts.k));
    if (k === 0) return [];
    if (v.ids.length === 0)
      return isRestricted(opts)
        ? this.completion(k, opts, new Set(), exclude).map((itemId) => ({ itemId, score: 0, reasons: [] }))
        : [];
    const diversity = Math.min(1, Math.max(0, opts.diversity ?? 0));
    const cosine = opts.similarity === 'COSINE';
    const { segments, scratch } = this;
    const { base, delta, vocab } = segments;
    // JACCARD's U: the top N terms by weight (the vector is already in that order).
    const n = cosine ? v.ids.length : Math.min(this.jaccardTopN, v.ids.length);
    this.dense.reserve(vocab.size);
    this.dense.load(v.ids, v.weights, n);
    const { values: dense, bits: inQuery } = this.dense;
    const allowed = this.restrictions.allowed(opts);
    try {
      const top = new TopK(diversity > 0 ? mmrPoolSize(k) : k, segments.idOf, this.baseRank);
      const stamp = scratch.next();
      const skippedDelta = new Set<number>();
      for (const id of exclude) {
        const d = segments.baseOf.get(id);
        if (d !== undefined) scratch.skip[d] = stamp;
        const j = segments.deltaOf.get(id);
        if (j !== undefined) skippedDelta.add(j);
      }
      const q: BaseQuery = {
        fwd: base,
        inv: segments.inv,
        dead: segments.baseDead,
        idf: vocab.idf,
        scratch,
        stamp,
        query: dense,
        inQuery,
        terms: v.ids.slice(0, n),
        allowed: allowed?.bits,
      };
      const scanAll = cosine && !opts.pruned && base.count <= SCAN_ITEMS_PER_TERM * n;
      if (opts.exhaustive || scanAll) exhaustiveBase(q, opts.similarity, top);
      else if (allowed && this.restrictions.scoreAllowedOnly(allowed.list.length, q.terms))
        exhaustiveList(q, opts.similarity, top, allowed.list);
      else if (cosine) prunedCosine(q, top);
      else prunedJaccard(q, top);
      const offset = base.count;
      for (let j = 0; j < delta.count; j++) {
        if (segments.deltaDead[j] === 1 || skippedDelta.has(j) || (allowed && allowed.bits[offset + j] === 0)) continue;
        top.offer(cosine ? delta.cosine(j, vocab.idf, dense, inQuery) : delta.jaccard(j, inQuery, n), offset + j);
      }
      let ranked = top.sorted();
      if (diversity > 0) {
        const { penalty } = opts;
        if (penalty)
          ranked = ranked
            .map((r, at) => ({ ...r, score: r.score * penalty(segments.idOf(r.handle)), at }))
            .sort((a, b) => b.score - a.score || a.at - b.at);
        const relevance = ranked.map((r) => r.score);
        const picks = mmr(relevance, k, diversity, (i, j) => this.itemCosine(ranked[i].handle, ranked[j].handle));
        ranked = picks.map((i) => ranked[i]);
      }
      if (allowed && ranked.length < k) {
        // Every allowed item scoring above 0 is in: the rest score 0, in id order.
        const taken = new Set(ranked.map((r) => r.handle));
        const skipped = (h: number) => (h < offset ? scratch.skip[h] === stamp : skippedDelta.has(h - offset));
        for (const h of this.restrictions.fill(allowed, k - ranked.length, taken, skipped))
          ranked.push({ handle: h, score: 0 });
      }
      return ranked.map(({ handle, score }) => ({
        itemId: segments.idOf(handle),
        score,
        reasons: this.reasons(handle, cosine, n),
      }));
    } finally {
      this.dense.clear(v.ids, n);
      this.unloadOther();
    }
  }

  /** Whether the item is live and passes the restriction. */
  passes(itemId: string, restriction: Restriction): boolean {
    return this.restrictions.passes(itemId, restriction);
  }

  /**
   * Up to `need` allowed items outside `taken` and `exclude`, in id order: the score-0 items that
   * complete a restricted answer (HYBRID and POPULAR use it as the engine's own queries do).
   */
  completion(need: number, r: Restriction, taken: ReadonlySet<string>, exclude: ReadonlySet<string>): string[] {
    return this.restrictions.completion(need, r, taken, exclude);
  }

  private scoreHandles(v: QueryVector, itemIds: Iterable<string>, withReasons: boolean): Scored[] {
    const n = v.ids.length;
    const { segments } = this;
    this.dense.reserve(segments.vocab.size);
    this.dense.load(v.ids, v.weights);
    try {
      const out: Scored[] = [];
      for (const itemId of itemIds) {
        const handle = segments.handleOf(itemId);
        if (handle === undefined) continue;
        const { fwd, d } = segments.locate(handle);
        const score = n === 0 ? 0 : fwd.cosine(d, segments.vocab.idf, this.dense.values, this.dense.bits);
        out.push({ itemId, score, reasons: n === 0 || !withReasons ? [] : this.reasons(handle, true, n) });
      }
      return out;
    } finally {
      this.dense.clear(v.ids);
    }
  }

  private reasons(handle: number, cosine: boolean, querySize: number): WeightedTerm[] {
    const { vocab } = this.segments;
    const { fwd, d } = this.segments.locate(handle);
    return explain(fwd, d, vocab.terms, vocab.idf, this.dense.values, cosine, querySize);
  }

  /** Cosine of two items' feature vectors (MMR's similarity); the last `b` stays loaded. */
  private itemCosine(a: number, b: number): number {
    const { segments } = this;
    if (this.otherLoaded !== b) {
      this.unloadOther();
      const { fwd, d } = segments.locate(b);
      this.other.reserve(segments.vocab.size);
      this.other.loadItem(fwd, d, segments.vocab.idf);
      this.otherLoaded = b;
    }
    const { fwd, d } = segments.locate(a);
    return fwd.cosine(d, segments.vocab.idf, this.other.values, this.other.bits);
  }

  private unloadOther(): void {
    if (this.otherLoaded >= 0) {
      const { fwd, d } = this.segments.locate(this.otherLoaded);
      this.other.clearItem(fwd, d);
    }
    this.otherLoaded = -1;
  }
}
