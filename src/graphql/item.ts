import type {
  CoPurchaseResolvers,
  ItemResolvers,
  ReasonResolvers,
  RecommendationResolvers,
  TrendingItemResolvers,
} from '../__generated__/resolvers-types';
import type { Reason as ReasonValue } from '../domain/recommendation';
import { bounded } from '../domain/arguments';
import { parseFilter } from '../domain/filter';

export const Item: ItemResolvers = {
  // A representation without a usable id names nothing: null, as for an unknown id.
  __resolveReference: ({ id }, { loaders }) =>
    id == null || typeof id === 'object' ? null : loaders.item.load(String(id)),
  categories: (item) => item.categories ?? [],
  tags: (item) => item.tags ?? [],
  features: (item, _, { services }) => services.personalisation.features(item.id),
  similarItems: async (item, args, { loaders, services }) => {
    const first = bounded('Item.similarItems.first', args.first);
    const similarity = args.similarity ?? 'COSINE';
    const filter = parseFilter(args.filter);
    const feed = similarity === 'HYBRID' ? await loaders.pairFeed() : undefined;
    return services.personalisation.similarItems(
      item.id,
      { similarity, first, filter: filter.items, exclude: new Set(filter.excludeIds) },
      feed,
    );
  },
  personalisedDescription: async (item, { userId, maxWords }, { loaders, services, viewer }) => {
    const budget = bounded('Item.personalisedDescription.maxWords', maxWords);
    const forUser = userId ?? viewer.userId;
    if (forUser != null) viewer.assertCanReadPersonal(forUser);
    const user = forUser == null ? null : await loaders.user.load(forUser);
    const reader = user?.consent ? { consent: true, profile: await loaders.profile.load(user.id) } : null;
    return loaders.description.load(services.descriptions.request(item, reader, budget));
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
  // Shared terms, and for HYBRID the co-purchase evidence (labelled in words), largest contribution first.
  reasons: async (rec, _, { loaders }) => {
    const terms = rec.reasons.map((r): ReasonValue => ({
      label: r.term,
      weight: r.weight,
      kind: 'TERM',
      itemId: null,
    }));
    if (rec.boughtTogether.length === 0) return terms;
    const items = await loaders.item.loadMany(rec.boughtTogether.map((b) => b.itemId));
    const together = rec.boughtTogether.map((b, i): ReasonValue => {
      const found = items[i];
      const title = found && !(found instanceof Error) ? found.title : b.itemId;
      return { label: `bought together with “${title}”`, weight: b.weight, kind: 'BOUGHT_TOGETHER', itemId: b.itemId };
    });
    return [...terms, ...together].sort((a, b) => b.weight - a.weight);
  },
};

export const Reason: ReasonResolvers = {
  item: (reason, _, { loaders }) => (reason.itemId === null ? null : loaders.item.load(reason.itemId)),
  // Deprecated alias, kept while clients move to `label`.
  term: (reason) => reason.label,
};

export const CoPurchase: CoPurchaseResolvers = {
  item: async (co, _, { loaders }) => {
    const item = await loaders.item.load(co.itemId);
    if (!item) throw new Error(`item ${co.itemId} is in the co-occurrence tables but no longer in the catalogue`);
    return item;
  },
};

export const TrendingItem: TrendingItemResolvers = {
  item: async (t, _, { loaders }) => {
    const item = await loaders.item.load(t.itemId);
    if (!item) throw new Error(`item ${t.itemId} is trending but no longer in the catalogue`);
    return item;
  },
};
