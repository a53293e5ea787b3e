import type { QueryResolvers } from '../__generated__/resolvers-types';
import { bounded } from '../domain/arguments';
import { parseFilter } from '../domain/filter';
import { decodeCursor, encodeCursor } from './cursor';
import { loadUser } from './loaders';
import { userNeeds } from './user';

export const Query: QueryResolvers = {
  user: (_, { id }, { loaders }, info) => loadUser(loaders, id, userNeeds(info)),
  item: (_, { id }, { loaders }) => loaders.item.load(id),
  items: async (_, { first, after }, { services }) => {
    const size = bounded('Query.items.first', first);
    const afterId = after == null ? null : decodeCursor(after);
    const page = await services.catalogue.page(size, afterId);
    const edges = page.items.map((node) => ({ cursor: encodeCursor(node.id), node }));
    return {
      edges,
      pageInfo: { hasNextPage: page.hasMore, endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null },
    };
  },
  trending: (_, args, { services }) => {
    const first = bounded('Query.trending.first', args.first);
    const filter = parseFilter(args.filter);
    return services.trending.top(first, args.window ?? 'DAY', filter.items, new Set(filter.excludeIds));
  },
};
