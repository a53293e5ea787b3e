import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  recordInteraction: async (_, { input }, { services, viewer }) => {
    viewer.assertCanActFor(input.userId);
    return services.interactions.record({
      userId: input.userId,
      itemId: input.itemId ?? null,
      kind: input.kind,
      query: input.query ?? null,
      occurredAt: input.occurredAt ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      undo: input.undo ?? false,
    });
  },
  recordImpressions: async (_, { userId, itemIds }, { services, viewer }) => {
    viewer.assertCanActFor(userId);
    return { userId, recorded: await services.interactions.recordImpressions(userId, itemIds) };
  },
  setPersonalisationConsent: (_, { userId, enabled }, { services, viewer }) => {
    viewer.assertCanActFor(userId);
    return services.privacy.setConsent(userId, enabled);
  },
  forgetUser: (_, { userId }, { services, viewer }) => {
    viewer.assertCanActFor(userId);
    return services.privacy.forget(userId);
  },
};
