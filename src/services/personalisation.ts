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
import { InvalidInput } from '../domain/errors';
import type { ItemFilter } from '../domain/filter';
import type { Recommendation, WeightedTerm } from '../domain/recommendation';
import { CollabOptions, DEFAULT_COLLAB, itemCollab, Neighbour, userCollab } from '../personalisation/collab';
import type { Restriction, Scored, SimilarityKind } from '../personalisation/engine';
import {
  DEFAULT_FEEDBACK,
  type FeedbackOptions,
  impressionPenalty,
  penalise,
  weakenRejectedTerms,
} from '../personalisation/feedback';
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
  /** NEGATIVE_WEIGHT and the impression decay (personalisation/feedback.ts). */
  feedback?: FeedbackOptions;
  clock: Clock;
}

export interface RecommendArgs {
  similarity: Ranking;
  first: number;
  exclude: ReadonlySet<string>;
  diversity: number;
  filter?: ItemFilter | null;
  /** Only these ids (rank). */
  only?: readonly string[] | null;
}

/** The most ids `User.rank` takes. */
export const MAX_RANK_IDS = 1000;

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

  private get feedback(): FeedbackOptions {
    return this.options.feedback ?? DEFAULT_FEEDBACK;
  }

  /**
   * A user's recommendations. HYBRID also needs the user's co-occurrence signal (their recent
   * items and those items' strongest pairs, read by the caller's loader). With neither interests
   * nor co-occurrence evidence, the user gets the recent period's most popular items. Items the
   * user rejected are left out and their terms weakened; items shown often without engagement
   * are down-ranked (personalisation/feedback.ts).
   */
  async recommend(profile: StoredProfile, args: RecommendArgs, coHistory?: UserCoHistory): Promise<Recommendation[]> {
    const engine = this.catalogue.engine;
    const exclude = new Set([...args.exclude, ...profile.rejected]);
    const weights =
      profile.rejected.size === 0
        ? profile.weights
        : weakenRejectedTerms(
            profile.weights,
            [...profile.rejected].map((id) => (engine.features(id) ?? []).map((f) => f.term)),
            this.feedback.negativeWeight,
          );
    // Penalised items may fall out of the top: ask for as many more (feedback.ts's penalise is then exact).
    const penalty = (id: string) => impressionPenalty(profile.impressions.get(id) ?? 0, this.feedback);
    let penalised = 0;
    for (const id of profile.impressions.keys()) if (!exclude.has(id) && penalty(id) < 1) penalised++;
    const k = args.first + penalised;
    const restriction: Restriction = { filter: args.filter, only: args.only };
    // With diversity the penalty applies to relevance before MMR picks (re-sorting MMR's order afterwards would undo it).
    const diversified = args.diversity > 0 && penalised > 0;
    const mmrPenalty = diversified ? { penalty } : {};
    let ranked: Recommendation[] = [];
    if (args.similarity === 'HYBRID') {
      if (!coHistory) throw new Error("HYBRID needs the user's recent items and the pair feed's count");
      await this.coOccurrence.ensure(coHistory.feed);
      const collab = userCollab(coHistory.history, this.neighbourLists(), this.collab);
      ranked = hybridRank(engine, { profile: weights }, collab, {
        alpha: this.options.hybridAlpha,
        k,
        exclude,
        diversity: args.diversity,
        restriction,
        ...mmrPenalty,
      }).map(personalised);
    } else if (weights.size > 0) {
      ranked = engine
        .recommend(weights, {
          similarity: args.similarity,
          k,
          exclude,
          diversity: args.diversity,
          ...restriction,
          ...mmrPenalty,
        })
        .map(personalised);
    }
    // A list of score-0 items only carries no personal signal: popularity orders it better.
    if (ranked.length === 0 || !(ranked[0].score > 0)) ranked = await this.popularItems(k, exclude, restriction);
    const personal = ranked.length > 0 && ranked[0].strategy === 'PERSONALISED';
    return penalised > 0 && !(diversified && personal)
      ? penalise(ranked, args.first, penalty)
      : ranked.slice(0, args.first);
  }

  /**
   * `itemIds` re-ranked for this user: the known ones (not rejected), scored as recommendations
   * are, by restricting the same exact search to them.
   */
  async rank(
    profile: StoredProfile,
    itemIds: readonly string[],
    similarity: Ranking,
    coHistory?: UserCoHistory,
  ): Promise<Recommendation[]> {
    if (itemIds.length > MAX_RANK_IDS)
      throw new InvalidInput(`itemIds may hold at most ${MAX_RANK_IDS} ids (got ${itemIds.length})`, 'itemIds');
    const engine = this.catalogue.engine;
    const known = [...new Set(itemIds)].filter((id) => engine.has(id) && !profile.rejected.has(id));
    if (known.length === 0) return [];
    return this.recommend(
      profile,
      { similarity, first: known.length, exclude: new Set(), diversity: 0, only: known },
      coHistory,
    );
  }

  /** Items like this one; HYBRID blends content with the item's own co-occurrence pairs (cold items: content only). */
  async similarItems(
    itemId: string,
    args: { similarity: Ranking; first: number; filter?: ItemFilter | null; exclude?: ReadonlySet<string> },
    feed?: FeedState,
  ): Promise<Recommendation[]> {
    const engine = this.catalogue.engine;
    if (!engine.has(itemId)) return [];
    const exclude = args.exclude ?? new Set<string>();
    if (args.similarity === 'HYBRID') {
      if (!feed) throw new Error("HYBRID needs the pair feed's count");
      await this.coOccurrence.ensure(feed);
      const collab = itemCollab(itemId, this.coOccurrence.neighboursOf(itemId), this.collab);
      return hybridRank(engine, { itemId }, collab, {
        alpha: this.options.hybridAlpha,
        k: args.first,
        exclude,
        restriction: { filter: args.filter },
      }).map(personalised);
    }
    return engine
      .similarItems(itemId, { similarity: args.similarity, k: args.first, exclude, filter: args.filter })
      .map(personalised);
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

  private async popularItems(
    first: number,
    exclude: ReadonlySet<string>,
    restriction: Restriction = {},
  ): Promise<Recommendation[]> {
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
    const engine = this.catalogue.engine;
    const restricted = Boolean(restriction.filter) || Boolean(restriction.only);
    const total = this.popular.items.reduce((sum, p) => sum + p.score, 0) || 1;
    const popular = this.popular.items
      .filter(
        (p) => !exclude.has(p.itemId) && (restricted ? engine.passes(p.itemId, restriction) : engine.has(p.itemId)),
      )
      .slice(0, first)
      .map((p) => ({ itemId: p.itemId, score: p.score / total }));
    if (restricted && popular.length < first) {
      // Filters honour `first` here too: allowed items nobody interacted with lately, in id order.
      const taken = new Set(popular.map((p) => p.itemId));
      for (const itemId of engine.completion(first - popular.length, restriction, taken, exclude))
        popular.push({ itemId, score: 0 });
    }
    return popular.map((p) => ({ ...p, reasons: [], strategy: 'POPULAR' as const, boughtTogether: [] }));
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
