import type { QueryResolvers } from '../__generated__/resolvers-types';
import { decodeCursor, encodeCursor } from './cursor';
import { loadUser } from '../context';
import { boundedInt } from './errors';
import { userNeeds } from './user';

export const Query: QueryResolvers = {
  user: (_, { id }, { loaders }, info) => loadUser(loaders, id, userNeeds(info)),
  item: (_, { id }, { loaders }) => loaders.item.load(id),
  items: async (_, { first, after }, { services }) => {
    const size = boundedInt(first, 20, 1, 100, 'first');
    const afterId = after == null ? null : decodeCursor(after);
    const page = await services.catalogue.page(size, afterId);
    const edges = page.items.map((node) => ({ cursor: encodeCursor(node.id), node }));
    return {
      edges,
      pageInfo: { hasNextPage: page.hasMore, endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null },
    };
  },
};
