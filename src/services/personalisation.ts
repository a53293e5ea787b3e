/**
 * Interests, recommendations and similar items: reads stored profiles (already batched by the
 * caller's loaders), asks the engine, and falls back to popularity for users with no usable
 * history. HYBRID's co-occurrence comes from the pairs this process holds (services/co-occurrence.ts),
 * made current by the pair feed count each HYBRID request reads.
 */
import type { DataSource } from 'typeorm';
import { findPopularItems } from '../db/repositories/interactions';
import { countPairChangesAbove } from '../db/repositories/pair-feed';
import type { StoredProfile, UserCoHistory } from '../db/repositories/users';
import type { Recommendation, WeightedTerm } from '../domain/recommendation';
import { CollabOptions, DEFAULT_COLLAB, itemCollab, Neighbour, userCollab } from '../personalisation/collab';
import type { Scored, SimilarityKind } from '../personalisation/engine';
import { hybridRank, HybridScored } from '../personalisation/hybrid';
import { DEFAULT_KIND_WEIGHTS } from '../personalisation/interests';
import type { Clock } from '../util/clock';
import { perTurnLoader } from '../util/per-turn-loader';
import type { Catalogue } from './catalogue';
import type { CoOccurrenceFollower, FeedState } from './co-occurrence';

/** What the API ranks by: the engine's similarities, or HYBRID (content blended with co-occurrence). */
export type Ranking = SimilarityKind | 'HYBRID';

export interface PersonalisationOptions {
  popularityWindowMs: number;
  /** HYBRID's weight of the content half. */
  hybridAlpha: number;
  /** How long the popularity list is reused before it is recomputed. */
  popularityTtlMs?: number;
  /** HYBRID's co-occurrence settings (the engine's tuned defaults unless given). */
  collab?: CollabOptions;
  clock: Clock;
}

/** Enough popular items to fill the largest page after excluding what a user already has. */
const POPULAR_POOL = 500;

export class PersonalisationService {
  private popular: { at: number; items: { itemId: string; score: number }[] } | undefined;
  /** The pair feed's count for requests that read nothing else (similarItems), one statement a turn. */
  private readonly feedCounts = perTurnLoader<number, number>(async (lows) => {
    const counts = new Map<number, number>();
    for (const low of new Set(lows)) counts.set(low, await countPairChangesAbove(this.db, low));
    return lows.map((low) => counts.get(low)!);
  });

  constructor(
    private readonly db: DataSource,
    private readonly catalogue: Catalogue,
    private readonly coOccurrence: CoOccurrenceFollower,
    private readonly options: PersonalisationOptions,
  ) {}

  get collab(): CollabOptions {
    return this.options.collab ?? DEFAULT_COLLAB;
  }

  /** How many pair feed rows lie above this process's watermark now (see services/co-occurrence.ts). */
  async pairFeed(): Promise<FeedState> {
    const low = this.coOccurrence.low();
    return { low, count: await this.feedCounts.load(low) };
  }

  /** An item's strongest pairs as this process holds them, each list built once per call site. */
  private neighbourLists(): (itemId: string) => Neighbour[] {
    const lists = new Map<string, Neighbour[]>();
    return (itemId) => {
      let list = lists.get(itemId);
      if (!list) lists.set(itemId, (list = this.coOccurrence.neighboursOf(itemId)));
      return list;
    };
  }

  interests(profile: StoredProfile, first: number): WeightedTerm[] {
    return this.catalogue.engine.interestVector(profile.weights).slice(0, first);
  }

  features(itemId: string): WeightedTerm[] {
    return this.catalogue.engine.features(itemId) ?? [];
  }

  /**
   * A user's recommendations. HYBRID also needs the user's co-occurrence signal (their recent
   * items and those items' strongest pairs, read by the caller's loader). With neither interests
   * nor co-occurrence evidence, the user gets the recent period's most popular items.
   */
  async recommend(
    profile: StoredProfile,
    args: { similarity: Ranking; first: number; exclude: ReadonlySet<string>; diversity: number },
    coHistory?: UserCoHistory,
  ): Promise<Recommendation[]> {
    const engine = this.catalogue.engine;
    if (args.similarity === 'HYBRID') {
      if (!coHistory) throw new Error("HYBRID needs the user's recent items and the pair feed's count");
      await this.coOccurrence.ensure(coHistory.feed);
      const collab = userCollab(coHistory.history, this.neighbourLists(), this.collab);
      const ranked = hybridRank(engine, { profile: profile.weights }, collab, {
        alpha: this.options.hybridAlpha,
        k: args.first,
        exclude: args.exclude,
        diversity: args.diversity,
      });
      if (ranked.length > 0) return ranked.map(personalised);
    } else if (profile.weights.size > 0) {
      const ranked = engine.recommend(profile.weights, {
        similarity: args.similarity,
        k: args.first,
        exclude: args.exclude,
        diversity: args.diversity,
      });
      if (ranked.length > 0) return ranked.map(personalised);
    }
    return this.popularItems(args.first, args.exclude);
  }

  /** Items like this one; HYBRID blends content with the item's own co-occurrence pairs (cold items: content only). */
  async similarItems(
    itemId: string,
    args: { similarity: Ranking; first: number },
    feed?: FeedState,
  ): Promise<Recommendation[]> {
    const engine = this.catalogue.engine;
    if (!engine.has(itemId)) return [];
    if (args.similarity === 'HYBRID') {
      if (!feed) throw new Error("HYBRID needs the pair feed's count");
      await this.coOccurrence.ensure(feed);
      const collab = itemCollab(itemId, this.coOccurrence.neighboursOf(itemId), this.collab);
      return hybridRank(engine, { itemId }, collab, { alpha: this.options.hybridAlpha, k: args.first }).map(
        personalised,
      );
    }
    return engine.similarItems(itemId, { similarity: args.similarity, k: args.first }).map(personalised);
  }

  /**
   * The terms a description should lead with for this user: the shared terms that contribute
   * most to the user-item cosine, strongest first.
   */
  focusTerms(profile: StoredProfile, itemId: string, n = 3): string[] {
    const features = this.catalogue.engine.features(itemId);
    if (!features || profile.weights.size === 0) return [];
    const itemWeights = new Map(features.map((f) => [f.term, f.weight]));
    return this.catalogue.engine
      .interestVector(profile.weights)
      .filter((i) => itemWeights.has(i.term))
      .map((i) => ({ term: i.term, contribution: i.weight * itemWeights.get(i.term)! }))
      .sort((a, b) => b.contribution - a.contribution || a.term.localeCompare(b.term))
      .slice(0, n)
      .map((c) => c.term);
  }

  /** Drops what this process remembers about users (popularity counts their events). */
  forgetCaches(): void {
    this.popular = undefined;
  }

  private async popularItems(first: number, exclude: ReadonlySet<string>): Promise<Recommendation[]> {
    const ttl = this.options.popularityTtlMs ?? 30_000;
    const now = this.options.clock.now();
    if (!this.popular || now - this.popular.at > ttl) {
      const items = await findPopularItems(
        this.db,
        this.options.popularityWindowMs,
        POPULAR_POOL,
        DEFAULT_KIND_WEIGHTS,
      );
      this.popular = { at: now, items };
    }
    const total = this.popular.items.reduce((sum, p) => sum + p.score, 0) || 1;
    return this.popular.items
      .filter((p) => !exclude.has(p.itemId) && this.catalogue.engine.has(p.itemId))
      .slice(0, first)
      .map((p) => ({
        itemId: p.itemId,
        score: p.score / total,
        reasons: [],
        strategy: 'POPULAR' as const,
        boughtTogether: [],
      }));
  }
}

/** A ranked item as the API shows it; only HYBRID carries co-purchase evidence. */
function personalised(r: Scored & Partial<Pick<HybridScored, 'boughtTogether'>>): Recommendation {
  return {
    itemId: r.itemId,
    score: r.score,
    reasons: r.reasons,
    strategy: 'PERSONALISED',
    boughtTogether: (r.boughtTogether ?? []).map((e) => ({ itemId: e.itemId, weight: e.contribution })),
  };
}
