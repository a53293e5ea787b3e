import type { GraphQLResolveInfo } from 'graphql';
import type { UserResolvers } from '../__generated__/resolvers-types';
import { bounded } from '../domain/arguments';
import { loadUser, UserNeeds } from './loaders';
import { fieldArguments, selectedFields } from './lookahead';

/** What the fields asked of a user will read beside the user row (recommendations exclude what the user has seen). */
export function userNeeds(info: GraphQLResolveInfo): UserNeeds {
  const fields = selectedFields(info, 'User');
  if (fields.has('recommendations')) {
    const hybrid = fieldArguments(info, 'User', 'recommendations').some((args) => args.similarity === 'HYBRID');
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
    const [profile, interacted, coHistory] = await Promise.all([
      loaders.profile.load(user.id),
      excludeInteracted ? loaders.interacted.load(user.id) : Promise.resolve(new Set<string>()),
      similarity === 'HYBRID' ? loaders.coHistory.load(user.id) : Promise.resolve(undefined),
    ]);
    return services.personalisation.recommend(
      profile,
      { similarity, first, exclude: interacted, diversity },
      coHistory,
    );
  },
};
