/**
 * The recommendation engine the service and the offline evaluation share: TF-IDF item
 * features, idf-weighted interest vectors, exact top-K by COSINE or JACCARD over an inverted
 * index, reasons, MMR diversification, and cheap incremental updates.
 *
 * Updates. The catalogue is an immutable base segment (typed arrays, see index.ts) plus a small
 * delta of items added or changed since the last full build, scored exhaustively, with
 * replaced or removed base items marked dead. IDF is frozen at the last full build: N and df
 * of that build, and a term first seen afterwards gets the IDF of df = 1 under that N. So an
 * update never changes another item's weights. Guarantee (tested): at every moment, every
 * query returns exactly what `RecommendationEngine.build(liveItems, { idf: (t) => engine.idf(t) })`
 * returns, i.e. an engine built from scratch on the current items with the frozen IDF. When
 * the delta plus the dead items exceed `rebuildShare` of the base (and `minDelta`), the engine
 * rebuilds fully, after which it equals a plain `build(liveItems)` exactly.
 */
import { ExhaustiveOption, ForwardStore, InvertedIndex, Scratch, exhaustiveBase, prunedCosine, prunedJaccard, BaseQuery } from './index';
import { idRanks, mmr, topReasons, TopK, Reason } from './rank';
import { termWeight } from './similarity';
import { IdfRule, SMOOTH_IDF, TermCounter, Vocabulary } from './vocabulary';

export interface CatalogueItem {
  id: string;
  tags?: readonly string[] | null;
  categories?: readonly string[] | null;
  brand?: string | null;
}

export interface WeightedTerm {
  term: string;
  weight: number;
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

export interface QueryOptions extends ExhaustiveOption {
  similarity: SimilarityKind;
  k: number;
  exclude?: ReadonlySet<string>;
  /** 0 = pure relevance order; towards 1, MMR trades relevance for items unlike those already picked. */
  diversity?: number;
}

export const DEFAULT_JACCARD_TOP_N = 50;
const REASONS = 5;
/**
 * COSINE scores every item when the catalogue has at most this many items per query term:
 * pruning's set-up per term (ordering the lists, their bounds, windows) then costs more than
 * it saves. Measured once (a script not kept) on the sample's 300 items with a 99-term profile:
 * pruned 73-98 us, every item 37-40 us; at 2,400 items pruned wins 101 vs 140 us. Both give the
 * same top K.
 */
const SCAN_ITEMS_PER_TERM = 10;
/** MMR re-ranks the best max(50, 5k) by relevance: enough room to diversify, bounded cost. */
const poolSize = (k: number) => Math.max(50, 5 * k);

interface QueryVector {
  ids: number[];
  terms: string[];
  weights: number[];
}

export class RecommendationEngine {
  private readonly counter = new TermCounter();
  private readonly jaccardTopN: number;
  private readonly rebuildShare: number;
  private readonly minDelta: number;
  private readonly rule: IdfRule;

  private vocab!: Vocabulary;
  private base!: ForwardStore;
  private inv!: InvertedIndex;
  private baseIds: string[] = [];
  private baseOf = new Map<string, number>();
  /** Each base item's position in id order: ties in the top K settled without comparing strings. */
  private baseRank: Int32Array = new Int32Array(0);
  private baseDead = new Uint8Array(0);
  private baseDeadCount = 0;
  private delta = new ForwardStore();
  private deltaIds: string[] = [];
  private deltaDead: number[] = [];
  private deltaOf = new Map<string, number>();
  private live = 0;
  private scratch!: Scratch;
  private dense = new Float64Array(0);
  private inQuery = new Uint32Array(0);
  private other = new Float64Array(0);

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
    engine.load(latest.size, (function* () {
      for (const item of latest.values()) yield [item.id, counter.counts(item)] as const;
    })());
    return engine;
  }

  get size(): number {
    return this.live;
  }

  has(itemId: string): boolean {
    return this.deltaOf.has(itemId) || this.liveBase(itemId) !== undefined;
  }

  isKnownTerm(term: string): boolean {
    return this.vocab.isLive(term);
  }

  /** The frozen IDF of a known term, or null. */
  idf(term: string): number | null {
    const id = this.vocab.id(term);
    return id === undefined ? null : this.vocab.idf[id];
  }

  features(itemId: string): WeightedTerm[] | null {
    const handle = this.handleOf(itemId);
    if (handle === undefined) return null;
    const { fwd, d } = this.locate(handle);
    const out: WeightedTerm[] = [];
    for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++) {
      out.push({ term: this.vocab.terms[fwd.termIds[p]], weight: termWeight(fwd.tfs[p], this.vocab.idf[fwd.termIds[p]], fwd.norms[d]) });
    }
    return sortWeighted(out);
  }

  interestVector(raw: ReadonlyMap<string, number>): WeightedTerm[] {
    const v = this.queryFromRaw(raw);
    return v.terms.map((term, i) => ({ term, weight: v.weights[i] }));
  }

  recommend(raw: ReadonlyMap<string, number>, opts: QueryOptions): Scored[] {
    return this.query(this.queryFromRaw(raw), opts, opts.exclude ?? new Set());
  }

  similarItems(itemId: string, opts: QueryOptions): Scored[] {
    const features = this.features(itemId);
    if (!features) return [];
    const v: QueryVector = { ids: features.map((f) => this.vocab.id(f.term)!), terms: features.map((f) => f.term), weights: features.map((f) => f.weight) };
    const exclude = new Set(opts.exclude ?? []);
    exclude.add(itemId);
    return this.query(v, opts, exclude);
  }

  /**
   * Exact COSINE scores, with reasons, of the given items for this profile: the content half of
   * HYBRID, for candidates the inverted index did not rank. Unknown or removed items are left
   * out; the order follows `itemIds`. `reasons: false` skips the reasons (empty) for speed.
   */
  scoreItems(raw: ReadonlyMap<string, number>, itemIds: Iterable<string>, options: { reasons?: boolean } = {}): Scored[] {
    return this.scoreHandles(this.queryFromRaw(raw), itemIds, options.reasons ?? true);
  }

  /** The same for an item's own feature vector (item-to-item HYBRID). */
  scoreItemsForItem(itemId: string, itemIds: Iterable<string>, options: { reasons?: boolean } = {}): Scored[] {
    const features = this.features(itemId);
    if (!features) return [];
    const v = { ids: features.map((f) => this.vocab.id(f.term)!), terms: features.map((f) => f.term), weights: features.map((f) => f.weight) };
    return this.scoreHandles(v, itemIds, options.reasons ?? true);
  }

  upsert(items: CatalogueItem[]): void {
    for (const item of items) {
      this.removeOne(item.id);
      const counts = this.counter.counts(item);
      const ids: number[] = [];
      const tfs: number[] = [];
      for (const [term, tf] of counts) {
        const id = this.vocab.intern(term, 1);
        this.vocab.liveDf[id]++;
        ids.push(id);
        tfs.push(tf);
      }
      const j = this.delta.append(ids, tfs, ids.length);
      this.delta.setNorm(j, this.vocab.idf);
      this.deltaIds.push(item.id);
      this.deltaDead.push(0);
      this.deltaOf.set(item.id, j);
      this.live++;
    }
    this.maybeRebuild();
  }

  remove(itemIds: string[]): void {
    for (const id of itemIds) this.removeOne(id);
    this.maybeRebuild();
  }

  /** Merges base and delta into a new base, recomputing IDF over the live items. */
  rebuild(): void {
    const docs: (readonly [string, [string, number][]])[] = [];
    const collect = (fwd: ForwardStore, d: number, id: string) => {
      const terms: [string, number][] = [];
      for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++) terms.push([this.vocab.terms[fwd.termIds[p]], fwd.tfs[p]]);
      docs.push([id, terms]);
    };
    for (let d = 0; d < this.base.count; d++) if (this.baseDead[d] === 0) collect(this.base, d, this.baseIds[d]);
    for (let j = 0; j < this.delta.count; j++) if (this.deltaDead[j] === 0) collect(this.delta, j, this.deltaIds[j]);
    this.load(docs.length, docs);
  }

  /** Sizes for the benchmark: postings, and bytes of the posting-proportional and all typed arrays. */
  stats(): { items: number; postings: number; postingBytes: number; totalBytes: number } {
    const postingArrays = [this.base.termIds, this.base.tfs, this.inv.docs, this.inv.weights];
    const other = [this.base.offsets, this.base.norms, this.inv.starts, this.inv.maxWeight, this.inv.maxTf, this.baseDead, this.baseRank, this.vocab.idf, this.vocab.liveDf];
    const s = this.scratch;
    const scratch = [s.skip, s.member, s.done, s.from.docs, s.from.acc, s.from.inverseNorm, s.to.docs, s.to.acc, s.to.inverseNorm, ...s.levels];
    const bytes = (arrays: ArrayBufferView[]) => arrays.reduce((s, a) => s + a.byteLength, 0);
    // Bitsets of common terms count with the postings they mirror.
    const postingBytes = bytes(postingArrays) + this.inv.bitsetBytes;
    return { items: this.live, postings: this.base.postings, postingBytes, totalBytes: postingBytes + bytes(other) + bytes(scratch) };
  }

  private load(n: number, docs: Iterable<readonly [string, Iterable<[string, number]>]>): void {
    const tmp = new Map<string, number>();
    const terms: string[] = [];
    let df = new Int32Array(1024);
    const fwd = new ForwardStore(n, n * 16);
    const ids: string[] = [];
    const termBuf: number[] = [];
    const tfBuf: number[] = [];
    for (const [id, counts] of docs) {
      termBuf.length = 0;
      tfBuf.length = 0;
      for (const [term, tf] of counts) {
        let t = tmp.get(term);
        if (t === undefined) {
          t = terms.length;
          tmp.set(term, t);
          terms.push(term);
          if (t >= df.length) {
            const next = new Int32Array(df.length * 2);
            next.set(df);
            df = next;
          }
        }
        df[t]++;
        termBuf.push(t);
        tfBuf.push(tf);
      }
      fwd.append(termBuf, tfBuf, termBuf.length);
      ids.push(id);
    }
    const vocab = new Vocabulary(ids.length, this.rule);
    for (let t = 0; t < terms.length; t++) {
      vocab.intern(terms[t], df[t]);
      vocab.liveDf[t] = df[t];
    }
    fwd.trim();
    for (let d = 0; d < fwd.count; d++) fwd.setNorm(d, vocab.idf);
    this.vocab = vocab;
    this.base = fwd;
    this.inv = new InvertedIndex(fwd, vocab.idf, vocab.size);
    this.baseIds = ids;
    this.baseOf = new Map(ids.map((id, d) => [id, d]));
    this.baseRank = idRanks(ids, this.baseOf);
    this.baseDead = new Uint8Array(ids.length);
    this.baseDeadCount = 0;
    this.delta = new ForwardStore();
    this.deltaIds = [];
    this.deltaDead = [];
    this.deltaOf = new Map();
    this.live = ids.length;
    this.scratch = new Scratch(ids.length);
  }

  private maybeRebuild(): void {
    const changed = this.delta.count + this.baseDeadCount;
    if (changed > Math.max(this.minDelta, this.rebuildShare * this.base.count)) this.rebuild();
  }

  private removeOne(id: string): void {
    const j = this.deltaOf.get(id);
    if (j !== undefined) {
      this.deltaDead[j] = 1;
      this.deltaOf.delete(id);
      this.forget(this.delta, j);
      return;
    }
    const d = this.liveBase(id);
    if (d !== undefined) {
      this.baseDead[d] = 1;
      this.baseDeadCount++;
      this.forget(this.base, d);
    }
  }

  private forget(fwd: ForwardStore, d: number): void {
    for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++) this.vocab.liveDf[fwd.termIds[p]]--;
    this.live--;
  }

  private liveBase(id: string): number | undefined {
    const d = this.baseOf.get(id);
    return d !== undefined && this.baseDead[d] === 0 ? d : undefined;
  }

  private handleOf(id: string): number | undefined {
    const j = this.deltaOf.get(id);
    return j !== undefined ? this.base.count + j : this.liveBase(id);
  }

  private locate(handle: number): { fwd: ForwardStore; d: number } {
    return handle < this.base.count ? { fwd: this.base, d: handle } : { fwd: this.delta, d: handle - this.base.count };
  }

  private readonly idOf = (handle: number): string => (handle < this.base.count ? this.baseIds[handle] : this.deltaIds[handle - this.base.count]);

  /** Known terms only, raw * idf, L2-normalised, by weight descending then term. */
  private queryFromRaw(raw: ReadonlyMap<string, number>): QueryVector {
    const entries: { id: number; term: string; weight: number }[] = [];
    let sum = 0;
    for (const [term, w] of raw) {
      const id = this.vocab.id(term);
      if (id === undefined || this.vocab.liveDf[id] <= 0) continue;
      const v = w * this.vocab.idf[id];
      if (!(v > 0) || !Number.isFinite(v)) continue;
      entries.push({ id, term, weight: v });
      sum += v * v;
    }
    const norm = Math.sqrt(sum);
    for (const e of entries) e.weight /= norm;
    sortWeighted(entries);
    return { ids: entries.map((e) => e.id), terms: entries.map((e) => e.term), weights: entries.map((e) => e.weight) };
  }

  private query(v: QueryVector, opts: QueryOptions, exclude: ReadonlySet<string>): Scored[] {
    const k = Math.max(0, Math.floor(opts.k));
    if (k === 0 || v.ids.length === 0) return [];
    const diversity = Math.min(1, Math.max(0, opts.diversity ?? 0));
    const cosine = opts.similarity === 'COSINE';
    // JACCARD's U: the top N terms by weight (the vector is already in that order).
    const n = cosine ? v.ids.length : Math.min(this.jaccardTopN, v.ids.length);
    if (this.dense.length < this.vocab.size) {
      this.dense = new Float64Array(this.vocab.size * 2);
      this.inQuery = new Uint32Array(Math.ceil(this.dense.length / 32));
    }
    const dense = this.dense;
    const inQuery = this.inQuery;
    for (let i = 0; i < n; i++) {
      dense[v.ids[i]] = v.weights[i];
      inQuery[v.ids[i] >>> 5] |= 1 << (v.ids[i] & 31);
    }
    try {
      const top = new TopK(diversity > 0 ? poolSize(k) : k, this.idOf, this.baseRank);
      const stamp = this.scratch.next();
      const skippedDelta = new Set<number>();
      for (const id of exclude) {
        const d = this.baseOf.get(id);
        if (d !== undefined) this.scratch.skip[d] = stamp;
        const j = this.deltaOf.get(id);
        if (j !== undefined) skippedDelta.add(j);
      }
      const q: BaseQuery = { fwd: this.base, inv: this.inv, dead: this.baseDead, idf: this.vocab.idf, scratch: this.scratch, stamp, query: dense, inQuery, terms: v.ids.slice(0, n) };
      if (opts.exhaustive || (cosine && !opts.pruned && this.base.count <= SCAN_ITEMS_PER_TERM * n)) exhaustiveBase(q, opts.similarity, top);
      else if (cosine) prunedCosine(q, top);
      else prunedJaccard(q, top);
      const offset = this.base.count;
      for (let j = 0; j < this.delta.count; j++) {
        if (this.deltaDead[j] === 1 || skippedDelta.has(j)) continue;
        top.offer(cosine ? this.delta.cosine(j, this.vocab.idf, dense, inQuery) : this.delta.jaccard(j, inQuery, n), offset + j);
      }
      let ranked = top.sorted();
      if (diversity > 0) {
        const picks = mmr(ranked.map((r) => r.score), k, diversity, (i, j) => this.itemCosine(ranked[i].handle, ranked[j].handle));
        ranked = picks.map((i) => ranked[i]);
      }
      return ranked.map(({ handle, score }) => ({ itemId: this.idOf(handle), score, reasons: this.reasons(handle, cosine, n) }));
    } finally {
      for (let i = 0; i < n; i++) {
        dense[v.ids[i]] = 0;
        inQuery[v.ids[i] >>> 5] = 0;
      }
      if (this.otherLoaded >= 0) this.loadDense(this.otherLoaded, 0);
      this.otherLoaded = -1;
    }
  }

  private scoreHandles(v: QueryVector, itemIds: Iterable<string>, withReasons: boolean): Scored[] {
    const n = v.ids.length;
    if (this.dense.length < this.vocab.size) {
      this.dense = new Float64Array(this.vocab.size * 2);
      this.inQuery = new Uint32Array(Math.ceil(this.dense.length / 32));
    }
    for (let i = 0; i < n; i++) {
      this.dense[v.ids[i]] = v.weights[i];
      this.inQuery[v.ids[i] >>> 5] |= 1 << (v.ids[i] & 31);
    }
    try {
      const out: Scored[] = [];
      for (const itemId of itemIds) {
        const handle = this.handleOf(itemId);
        if (handle === undefined) continue;
        const { fwd, d } = this.locate(handle);
        const score = n === 0 ? 0 : fwd.cosine(d, this.vocab.idf, this.dense, this.inQuery);
        out.push({ itemId, score, reasons: n === 0 || !withReasons ? [] : this.reasons(handle, true, n) });
      }
      return out;
    } finally {
      for (let i = 0; i < n; i++) {
        this.dense[v.ids[i]] = 0;
        this.inQuery[v.ids[i] >>> 5] = 0;
      }
    }
  }

  /** The shared terms that contribute most: q_t * w_t for COSINE; 1 / |U ∪ I| each for JACCARD, by the user's weight. */
  private reasons(handle: number, cosine: boolean, querySize: number): WeightedTerm[] {
    const { fwd, d } = this.locate(handle);
    const shared: Reason[] = [];
    for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++) {
      const t = fwd.termIds[p];
      const q = this.dense[t];
      if (q > 0) shared.push({ term: this.vocab.terms[t], weight: cosine ? q * termWeight(fwd.tfs[p], this.vocab.idf[t], fwd.norms[d]) : 0, order: q });
    }
    if (cosine) for (const r of shared) r.order = r.weight;
    else {
      const each = 1 / (querySize + (fwd.offsets[d + 1] - fwd.offsets[d]) - shared.length);
      for (const r of shared) r.weight = each;
    }
    return topReasons(shared, REASONS);
  }

  private otherLoaded = -1;
  private otherBits = new Uint32Array(0);

  /** Cosine of two items' feature vectors (MMR's similarity); the last `a` stays loaded densely. */
  private itemCosine(a: number, b: number): number {
    if (this.other.length < this.vocab.size) {
      this.other = new Float64Array(this.vocab.size * 2);
      this.otherBits = new Uint32Array(Math.ceil(this.other.length / 32));
      this.otherLoaded = -1;
    }
    if (this.otherLoaded !== b) {
      if (this.otherLoaded >= 0) this.loadDense(this.otherLoaded, 0);
      this.loadDense(b, 1);
      this.otherLoaded = b;
    }
    const { fwd, d } = this.locate(a);
    return fwd.cosine(d, this.vocab.idf, this.other, this.otherBits);
  }

  private loadDense(handle: number, scale: number): void {
    const { fwd, d } = this.locate(handle);
    for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++) {
      const t = fwd.termIds[p];
      this.other[t] = scale === 0 ? 0 : termWeight(fwd.tfs[p], this.vocab.idf[t], fwd.norms[d]);
      if (scale === 0) this.otherBits[t >>> 5] = 0;
      else this.otherBits[t >>> 5] |= 1 << (t & 31);
    }
  }
}

function sortWeighted<T extends { term: string; weight: number }>(list: T[]): T[] {
  return list.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
}
