/** What resolvers pass between each other: codegen maps the schema's types onto these domain types. */
import type { Item } from '../domain/catalogue';
import type { Interaction } from '../domain/interaction';
import type { CoPurchase, Reason, Recommendation } from '../domain/recommendation';
import type { Trending } from '../services/trending';

export interface UserModel {
  id: string;
}

export type ItemModel = Item;

export type RecommendationModel = Recommendation;

export type CoPurchaseModel = CoPurchase;

export type ReasonModel = Reason;

export type InteractionModel = Interaction;

export type TrendingItemModel = Trending;
