import type { GraphQLResolveInfo } from 'graphql';
import type { UserResolvers } from '../__generated__/resolvers-types';
import { bounded } from '../domain/arguments';
import { parseFilter } from '../domain/filter';
import { loadUser, UserNeeds } from './loaders';
import { fieldArguments, selectedFields } from './lookahead';

/** What the fields asked of a user will read beside the user row (rankings exclude what the user has seen or rejected). */
export function userNeeds(info: GraphQLResolveInfo): UserNeeds {
  const fields = selectedFields(info, 'User');
  if (fields.has('recommendations') || fields.has('rank')) {
    const hybrid = (['recommendations', 'rank'] as const).some((field) =>
      fieldArguments(info, 'User', field).some((args) => args.similarity === 'HYBRID'),
    );
    return hybrid ? 'hybrid' : 'history';
  }
  if (fields.has('interests')) return 'profile';
  return 'user';
}

export const User: UserResolvers = {
  // A representation without a usable id names nothing: null, as for an unknown id.
  __resolveReference: ({ id }, { loaders }, info) =>
    id == null || typeof id === 'object' ? null : loadUser(loaders, String(id), userNeeds(info)),
  interests: async (user, { first }, { loaders, services, viewer }) => {
    viewer.assertCanReadPersonal(user.id);
    const n = bounded('User.interests.first', first);
    return services.personalisation.interests(await loaders.profile.load(user.id), n);
  },
  recommendations: async (user, args, { loaders, services, viewer }) => {
    viewer.assertCanReadPersonal(user.id);
    const first = bounded('User.recommendations.first', args.first);
    const diversity = bounded('User.recommendations.diversity', args.diversity);
    const excludeInteracted = args.excludeInteracted ?? true;
    const similarity = args.similarity ?? 'COSINE';
    const filter = parseFilter(args.filter);
    const [profile, interacted, coHistory] = await Promise.all([
      loaders.profile.load(user.id),
      excludeInteracted ? loaders.interacted.load(user.id) : Promise.resolve(new Set<string>()),
      similarity === 'HYBRID' ? loaders.coHistory.load(user.id) : Promise.resolve(undefined),
    ]);
    const exclude = new Set([...interacted, ...filter.excludeIds]);
    return services.personalisation.recommend(
      profile,
      { similarity, first, exclude, diversity, filter: filter.items },
      coHistory,
    );
  },
  rank: async (user, args, { loaders, services, viewer }) => {
    viewer.assertCanReadPersonal(user.id);
    const similarity = args.similarity ?? 'COSINE';
    const [profile, coHistory] = await Promise.all([
      loaders.profile.load(user.id),
      similarity === 'HYBRID' ? loaders.coHistory.load(user.id) : Promise.resolve(undefined),
    ]);
    return services.personalisation.rank(profile, args.itemIds, similarity, coHistory);
  },
};
