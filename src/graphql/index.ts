/** The resolver map and the executable subgraph schema built from the top-level schema.graphql. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLSchema } from 'graphql';
import gql from 'graphql-tag';
import { DateTimeResolver } from 'graphql-scalars';
import type { Resolvers } from '../__generated__/resolvers-types';
import { CoPurchase, Item, Reason, Recommendation, TrendingItem } from './item';
import { Mutation } from './mutation';
import { Query } from './query';
import { User } from './user';
import { projectRoot } from '../util/paths';

export const SCHEMA_PATH = join(projectRoot(), 'schema.graphql');

export const resolvers: Resolvers = {
  DateTime: DateTimeResolver,
  Query,
  Mutation,
  User,
  Item,
  Recommendation,
  TrendingItem,
  Reason,
  CoPurchase,
  Interaction: {
    id: (interaction) => interaction.id,
    user: (interaction) => ({ id: interaction.userId }),
    item: (interaction, _, { loaders }) => (interaction.itemId ? loaders.item.load(interaction.itemId) : null),
  },
};

export function loadTypeDefs(path = SCHEMA_PATH) {
  return gql(readFileSync(path, 'utf8'));
}

export function buildSchema(): GraphQLSchema {
  // buildSubgraphSchema's resolver type is looser than codegen's; the cast is the only seam.
  return buildSubgraphSchema([{ typeDefs: loadTypeDefs(), resolvers: resolvers as never }]);
}
