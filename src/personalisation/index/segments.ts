/**
 * What the engine stores: an immutable base segment (forward store, inverted index, ids and a
 * dead mark per item) built in one pass, plus a small appendable delta of items added or
 * changed since, all sharing one vocabulary whose IDF is frozen at the build. A handle names an
 * item in either: base docs first, then delta docs.
 */
import { ForwardStore } from './forward-store';
import { InvertedIndex } from './inverted-index';
import { IdfRule, Vocabulary } from './vocabulary';

/** An item as the segments take it: an id and its term counts. */
export type TermCounts = readonly [string, Iterable<[string, number]>];

export class Segments {
  readonly vocab: Vocabulary;
  readonly base: ForwardStore;
  readonly inv: InvertedIndex;
  readonly baseIds: string[];
  readonly baseOf: Map<string, number>;
  readonly baseDead: Uint8Array;
  baseDeadCount = 0;
  readonly delta = new ForwardStore();
  readonly deltaIds: string[] = [];
  readonly deltaDead: number[] = [];
  readonly deltaOf = new Map<string, number>();
  /** Live items, base and delta. */
  live: number;

  /** Builds the base segment from `n` items (ids distinct); IDF by `rule` over them. */
  constructor(n: number, docs: Iterable<TermCounts>, rule: IdfRule) {
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
    const vocab = new Vocabulary(ids.length, rule);
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
    this.baseDead = new Uint8Array(ids.length);
    this.live = ids.length;
  }

  /** Items changed since the build: delta items plus dead base items. */
  get changed(): number {
    return this.delta.count + this.baseDeadCount;
  }

  /** Appends an item to the delta (the caller removed any older version first). */
  append(id: string, counts: Iterable<[string, number]>): void {
    const ids: number[] = [];
    const tfs: number[] = [];
    for (const [term, tf] of counts) {
      const t = this.vocab.intern(term, 1);
      this.vocab.liveDf[t]++;
      ids.push(t);
      tfs.push(tf);
    }
    const j = this.delta.append(ids, tfs, ids.length);
    this.delta.setNorm(j, this.vocab.idf);
    this.deltaIds.push(id);
    this.deltaDead.push(0);
    this.deltaOf.set(id, j);
    this.live++;
  }

  /** Marks the item's live version dead, wherever it is. */
  remove(id: string): void {
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

  /** Every live item with its term counts, base first: what a rebuild starts from. */
  liveDocs(): TermCounts[] {
    const docs: TermCounts[] = [];
    const collect = (fwd: ForwardStore, d: number, id: string) => {
      const terms: [string, number][] = [];
      for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++)
        terms.push([this.vocab.terms[fwd.termIds[p]], fwd.tfs[p]]);
      docs.push([id, terms]);
    };
    for (let d = 0; d < this.base.count; d++) if (this.baseDead[d] === 0) collect(this.base, d, this.baseIds[d]);
    for (let j = 0; j < this.delta.count; j++) if (this.deltaDead[j] === 0) collect(this.delta, j, this.deltaIds[j]);
    return docs;
  }

  liveBase(id: string): number | undefined {
    const d = this.baseOf.get(id);
    return d !== undefined && this.baseDead[d] === 0 ? d : undefined;
  }

  handleOf(id: string): number | undefined {
    const j = this.deltaOf.get(id);
    return j !== undefined ? this.base.count + j : this.liveBase(id);
  }

  locate(handle: number): { fwd: ForwardStore; d: number } {
    const n = this.base.count;
    return handle < n ? { fwd: this.base, d: handle } : { fwd: this.delta, d: handle - n };
  }

  readonly idOf = (handle: number): string =>
    handle < this.base.count ? this.baseIds[handle] : this.deltaIds[handle - this.base.count];

  private forget(fwd: ForwardStore, d: number): void {
    for (let p = fwd.offsets[d]; p < fwd.offsets[d + 1]; p++) this.vocab.liveDf[fwd.termIds[p]]--;
    this.live--;
  }
}
