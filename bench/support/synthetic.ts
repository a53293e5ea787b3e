/** Seeded synthetic catalogues and users with a Zipf-distributed vocabulary, for the recommendation benchmark. */
import type { CatalogueItem } from '../../src/personalisation/engine';
import { seededRandom } from '../../src/util/random';

export interface SyntheticOptions {
  items: number;
  vocabulary: number;
  termsPerItem: number;
  /** Zipf exponent: term of rank r is drawn with probability proportional to r^-s. */
  exponent: number;
  seed: number;
}

export const DEFAULT_SYNTHETIC: Omit<SyntheticOptions, 'items'> = {
  vocabulary: 50_000,
  termsPerItem: 15,
  exponent: 1,
  seed: 20261129,
};

/** Draws term ranks (0-based) from a Zipf law by binary search in its cumulative distribution. */
export class Zipf {
  private readonly cdf: Float64Array;

  constructor(
    readonly size: number,
    exponent: number,
    private readonly random: () => number,
  ) {
    this.cdf = new Float64Array(size);
    let sum = 0;
    for (let r = 0; r < size; r++) this.cdf[r] = sum += Math.pow(r + 1, -exponent);
    for (let r = 0; r < size; r++) this.cdf[r] /= sum;
  }

  next(): number {
    const u = this.random();
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** `n` distinct ranks. */
  distinct(n: number): number[] {
    const seen = new Set<number>();
    while (seen.size < n) seen.add(this.next());
    return [...seen];
  }
}

/** Term names survive normalisation unchanged ("t123": digits are never singularised). */
export const termName = (rank: number) => `t${rank}`;

export function syntheticCatalogue(options: SyntheticOptions): CatalogueItem[] {
  const zipf = new Zipf(options.vocabulary, options.exponent, seededRandom(options.seed));
  const names = Array.from({ length: options.vocabulary }, (_, r) => termName(r));
  // Prices 0..99 from a stream of their own (the terms drawn are those of before prices came):
  // what the filtered rows of bench:recommend restrict on (price is no term).
  const prices = seededRandom(options.seed + 2);
  const items: CatalogueItem[] = new Array(options.items);
  for (let i = 0; i < options.items; i++)
    items[i] = {
      id: `item${i}`,
      tags: zipf.distinct(options.termsPerItem).map((r) => names[r]),
      price: Math.floor(prices() * 100),
    };
  return items;
}

/** Raw interest profiles: `terms` distinct Zipf-drawn terms, raw weights uniform in [1, 5). */
export function syntheticProfiles(
  count: number,
  terms: number,
  options: Omit<SyntheticOptions, 'items'>,
): Map<string, number>[] {
  const random = seededRandom(options.seed + 1);
  const zipf = new Zipf(options.vocabulary, options.exponent, random);
  return Array.from({ length: count }, () => new Map(zipf.distinct(terms).map((r) => [termName(r), 1 + 4 * random()])));
}
