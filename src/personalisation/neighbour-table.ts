/**
 * Every item's strongest co-occurrence pairs in typed arrays, so HYBRID reads no pair per
 * request: a process keeps the table beside the content index and replaces an item's list when
 * the pair change feed names it (services/co-occurrence.ts). Each list holds the item's
 * `neighbours` strongest pairs by raw weight w(a -> b), ties by id (collab.ts's `byWeight`, the
 * order Postgres's index gives); the similarity is computed when asked, from both items' user
 * counts, with the very arithmetic the SQL used (w / sqrt(users(a) * users(b)) in float64), so an
 * answer is the same number the per-request read gave. Nothing here does I/O.
 *
 * Weights are sums of 1 and the backward weight (0.5 by default): float32 holds them exactly up
 * to 2^23, far beyond any pair count of a shop. A pair costs 8 bytes (an int32 id and a float32
 * weight); `bytes` adds the per-item arrays.
 */
import type { Neighbour } from './collab';

/** One item's list as loaded: neighbour ids strongest first, with their raw weights. */
export interface NeighbourList {
  itemId: string;
  users: number;
  neighbours: readonly string[];
  weights: readonly number[];
}

const EMPTY_IDS = new Int32Array(0);
const EMPTY_WEIGHTS = new Float32Array(0);

export class NeighbourTable {
  private readonly idOf = new Map<string, number>();
  private readonly ids: string[] = [];
  private lists: Int32Array[] = [];
  private weights: Float32Array[] = [];
  private users = new Int32Array(1024);

  /** How many pairs the table holds. */
  get pairs(): number {
    let n = 0;
    for (const l of this.lists) n += l.length;
    return n;
  }

  /** Bytes of the typed arrays: the pairs, each item's user count, and each list's array headers (about 2 x 64 bytes an item). */
  get bytes(): number {
    return this.pairs * 8 + this.ids.length * (4 + 2 * 64);
  }

  /** Sets items' lists and user counts (replacing what they had); items absent from `lists` keep theirs. */
  set(lists: readonly NeighbourList[]): void {
    for (const l of lists) {
      const a = this.intern(l.itemId);
      this.users[a] = l.users;
      const ids = new Int32Array(l.neighbours.length);
      for (let i = 0; i < ids.length; i++) ids[i] = this.intern(l.neighbours[i]);
      this.lists[a] = ids.length > 0 ? ids : EMPTY_IDS;
      this.weights[a] = ids.length > 0 ? Float32Array.from(l.weights) : EMPTY_WEIGHTS;
    }
  }

  /** Forgets every list (a rebuild of the tables: everything is read again). */
  clear(): void {
    this.lists = this.lists.map(() => EMPTY_IDS);
    this.weights = this.weights.map(() => EMPTY_WEIGHTS);
    this.users.fill(0);
  }

  usersOf(itemId: string): number {
    const a = this.idOf.get(itemId);
    return a === undefined ? 0 : this.users[a];
  }

  /** The item's strongest pairs, normalised: sim(a -> b) = w(a -> b) / sqrt(users(a) * users(b)). */
  neighbours(itemId: string, limit = Infinity): Neighbour[] {
    const a = this.idOf.get(itemId);
    if (a === undefined) return [];
    const ids = this.lists[a];
    const weights = this.weights[a];
    const ua = this.users[a];
    const n = Math.min(limit, ids.length);
    const out: Neighbour[] = new Array<Neighbour>(n);
    for (let i = 0; i < n; i++) {
      const b = ids[i];
      out[i] = { itemId: this.ids[b], sim: weights[i] / Math.sqrt(ua * this.users[b]) };
    }
    return out;
  }

  private intern(itemId: string): number {
    let a = this.idOf.get(itemId);
    if (a !== undefined) return a;
    a = this.ids.length;
    this.ids.push(itemId);
    this.idOf.set(itemId, a);
    this.lists.push(EMPTY_IDS);
    this.weights.push(EMPTY_WEIGHTS);
    if (a >= this.users.length) {
      const grown = new Int32Array(this.users.length * 2);
      grown.set(this.users);
      this.users = grown;
    }
    return a;
  }
}
