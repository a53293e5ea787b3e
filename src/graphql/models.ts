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
  reasons: WeightedTerm[];
  strategy: 'PERSONALISED' | 'POPULAR';
}

export type InteractionModel = InteractionEntity;
