/**
 * Synthetic co-occurrence for HYBRID's benchmark rows: what one request's SQL read returns
 * (db/repositories/pairs.ts findUserCoSignals) for users of a synthetic catalogue.
 *
 * Density, from the real Beauty histories (npm run eval:recommend's co-occurrence): a history
 * item's neighbour list is capped at DEFAULT_COLLAB.neighbours (100) and most lists reach the cap
 * (history-weighted median 100, mean 84); users have a median of 5 recent items. Here every user
 * has the full `historyLength` (10) recent items, each with a full list of 100 neighbours: the
 * most candidates a request can have (up to 1,000), so the rows are an upper bound on HYBRID's
 * cost. Items are drawn Zipf-popular (popular items are bought together more), with similarities
 * decaying down each list, as the real lists do.
 */
import type { UserCoSignal } from '../../src/db/repositories/pairs';
import { DEFAULT_COLLAB, Neighbour } from '../../src/personalisation/collab';
import { seededRandom } from '../../src/util/random';
import { Zipf } from './synthetic';

export function syntheticCoSignals(count: number, items: number, seed: number): UserCoSignal[] {
  const random = seededRandom(seed + 2);
  const popular = new Zipf(items, 0.8, random);
  const id = (rank: number) => `item${rank}`;
  const out: UserCoSignal[] = [];
  for (let u = 0; u < count; u++) {
    const history = popular.distinct(DEFAULT_COLLAB.historyLength).map(id);
    const neighbours = new Map<string, Neighbour[]>();
    for (const from of history) {
      const targets = popular
        .distinct(DEFAULT_COLLAB.neighbours + 1)
        .map(id)
        .filter((t) => t !== from)
        .slice(0, DEFAULT_COLLAB.neighbours);
      neighbours.set(
        from,
        targets.map((itemId, i) => ({ itemId, sim: 0.3 / Math.pow(1 + i, 0.7) })),
      );
    }
    out.push({ history, neighbours });
  }
  return out;
}
