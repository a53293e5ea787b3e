/** Resolver types generated from the contract, so a renamed field breaks the build, not production. */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  silent: true,
  generates: {
    'src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        enumsAsTypes: true,
        contextType: '../context#Context',
        scalars: { DateTime: 'Date' },
        mappers: {
          User: '../graphql/models#UserModel',
          Item: '../graphql/models#ItemModel',
          Recommendation: '../graphql/models#RecommendationModel',
          CoPurchase: '../graphql/models#CoPurchaseModel',
          Reason: '../graphql/models#ReasonModel',
          Interaction: '../graphql/models#InteractionModel',
          TrendingItem: '../graphql/models#TrendingItemModel',
        },
      },
    },
  },
};

export default config;
