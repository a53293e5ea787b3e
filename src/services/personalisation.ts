/**
 * Interests, recommendations and similar items for the GraphQL layer: reads stored profiles
 * (already batched by the caller's loaders), asks the engine, and falls back to popularity
 * for users with no usable history.
 */
import type { DataSource } from 'typeorm';
import { findPopularItems } from '../db/repositories/interactions';
import type { StoredProfile } from '../db/repositories/users';
import type { RecommendationModel } from '../graphql/models';
import type { SimilarityKind, WeightedTerm } from '../personalisation/engine';
import { DEFAULT_KIND_WEIGHTS } from '../personalisation/interests';
import type { Catalogue } from './catalogue';

export interface PersonalisationOptions {
  popularityWindowMs: number;
  /** How long the popularity list is reused before it is recomputed. */
  popularityTtlMs?: number;
}

/** Enough popular items to fill the largest page after excluding what a user already has. */
const POPULAR_POOL = 500;

export class PersonalisationService {
  private popular: { at: number; items: { itemId: string; score: number }[] } | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly catalogue: Catalogue,
    private readonly options: PersonalisationOptions,
  ) {}

  interests(profile: StoredProfile, first: number): WeightedTerm[] {
    return this.catalogue.engine.interestVector(profile.weights).slice(0, first);
  }

  features(itemId: string): WeightedTerm[] {
    return this.catalogue.engine.features(itemId) ?? [];
  }

  async recommend(
    profile: StoredProfile,
    args: { similarity: SimilarityKind; first: number; exclude: ReadonlySet<string>; diversity: number },
  ): Promise<RecommendationModel[]> {
    const engine = this.catalogue.engine;
    if (engine.interestVector(profile.weights).length > 0) {
      const ranked = engine.recommend(profile.weights, { similarity: args.similarity, k: args.first, exclude: args.exclude, diversity: args.diversity });
      if (ranked.length > 0) return ranked.map((r) => ({ ...r, strategy: 'PERSONALISED' as const }));
    }
    return this.popularItems(args.first, args.exclude);
  }

  similarItems(itemId: string, args: { similarity: SimilarityKind; first: number }): RecommendationModel[] {
    if (!this.catalogue.engine.has(itemId)) return [];
    return this.catalogue.engine
      .similarItems(itemId, { similarity: args.similarity, k: args.first })
      .map((r) => ({ ...r, strategy: 'PERSONALISED' as const }));
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

  private async popularItems(first: number, exclude: ReadonlySet<string>): Promise<RecommendationModel[]> {
    const ttl = this.options.popularityTtlMs ?? 30_000;
    if (!this.popular || Date.now() - this.popular.at > ttl) {
      const items = await findPopularItems(this.db, this.options.popularityWindowMs, POPULAR_POOL, DEFAULT_KIND_WEIGHTS);
      this.popular = { at: Date.now(), items };
    }
    const total = this.popular.items.reduce((sum, p) => sum + p.score, 0) || 1;
    return this.popular.items
      .filter((p) => !exclude.has(p.itemId) && this.catalogue.engine.has(p.itemId))
      .slice(0, first)
      .map((p) => ({ itemId: p.itemId, score: p.score / total, reasons: [], strategy: 'POPULAR' as const }));
  }
}
