/** What resolvers pass between each other (codegen maps the schema's types onto these). */
import type { InteractionEntity, ItemEntity } from '../db/entities';
import type { WeightedTerm } from '../personalisation/engine';

export interface UserModel {
  id: string;
}

export type ItemModel = ItemEntity;

export interface RecommendationModel {
  itemId: string;
  score: number;
  /** The shared terms behind the content part of the score. */
  reasons: WeightedTerm[];
  strategy: 'PERSONALISED' | 'POPULAR';
  /** HYBRID's co-occurrence evidence: an item (from the user's history, or the item itself) and its share of the score. */
  boughtTogether: CoPurchaseModel[];
}

export interface CoPurchaseModel {
  itemId: string;
  weight: number;
}

export type InteractionModel = InteractionEntity;
