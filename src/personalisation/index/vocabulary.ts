/**
 * Term ids and the IDF table frozen at the last full build, with live document frequencies
 * so the engine knows which terms some current item still has.
 */
import { smoothIdf } from '../tfidf';
import { itemTermCounts, normaliseTerm, TermSource } from '../tokenise';
import { growTo } from './typed-arrays';

/** IDF of a term: fixed for a term already seen, computed once for a term seen first. */
export type IdfRule = (term: string, df: number, itemCount: number) => number;

export const SMOOTH_IDF: IdfRule = (_term, df, n) => smoothIdf(n, df);

export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  /** idf[t] for every term id; grows (copying) when the delta brings new terms. */
  idf = new Float64Array(16);
  /** How many live items have term t (what isKnown asks). */
  liveDf = new Int32Array(16);

  /**
   * `frozenN` is the item count of the last full build: a term first seen afterwards gets the
   * IDF of df = 1 under it, so no existing weight or norm changes when the delta grows.
   */
  constructor(
    readonly frozenN: number,
    private readonly rule: IdfRule,
  ) {}

  get size(): number {
    return this.terms.length;
  }

  id(term: string): number | undefined {
    return this.ids.get(term);
  }

  /** The term's id, adding it (with `df` for its IDF) when new. */
  intern(term: string, df = 1): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
      if (id >= this.idf.length) {
        const size = Math.max(id + 1, 2 * this.idf.length);
        this.idf = growTo(this.idf, size);
        this.liveDf = growTo(this.liveDf, size);
      }
      this.idf[id] = this.rule(term, df, this.frozenN);
    }
    return id;
  }

  isLive(term: string): boolean {
    const id = this.ids.get(term);
    return id !== undefined && this.liveDf[id] > 0;
  }
}

/**
 * itemTermCounts with a per-label cache: a catalogue repeats the same few thousand tags
 * millions of times, and normalising one (NFKD, regexes, pluralize) costs microseconds.
 */
export class TermCounter {
  private readonly cache = new Map<string, string | null>();
  private readonly normalise = (label: string): string | null => {
    let term = this.cache.get(label);
    if (term === undefined) {
      term = normaliseTerm(label);
      if (this.cache.size < 1_000_000) this.cache.set(label, term);
    }
    return term;
  };

  counts(item: TermSource): Map<string, number> {
    return itemTermCounts(item, this.normalise);
  }
}
