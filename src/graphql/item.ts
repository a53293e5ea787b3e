import type { ItemResolvers, RecommendationResolvers } from '../__generated__/resolvers-types';
import { boundedInt } from './errors';

export const Item: ItemResolvers = {
  // A representation without a usable id names nothing: null, as for an unknown id.
  __resolveReference: ({ id }, { loaders }) => (id == null || typeof id === 'object' ? null : loaders.item.load(String(id))),
  categories: (item) => item.categories ?? [],
  tags: (item) => item.tags ?? [],
  features: (item, _, { services }) => services.personalisation.features(item.id),
  similarItems: (item, args, { services }) => {
    const first = boundedInt(args.first, 10, 1, 100, 'first');
    return services.personalisation.similarItems(item.id, { similarity: args.similarity ?? 'COSINE', first });
  },
  personalisedDescription: async (item, { userId }, { loaders, services, viewer }) => {
    const forUser = userId ?? viewer.userId;
    if (forUser != null) viewer.assertCanReadPersonal(forUser);
    return services.descriptions.describe(item, forUser ?? null, loaders);
  },
};

export const Recommendation: RecommendationResolvers = {
  item: async (rec, _, { loaders }) => {
    const item = await loaders.item.load(rec.itemId);
    // The index and the table are read at different instants; an item deleted in between is rare
    // enough that failing this entry (not the list) is the honest answer.
    if (!item) throw new Error(`item ${rec.itemId} is in the index but no longer in the catalogue`);
    return item;
  },
};
