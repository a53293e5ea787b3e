/**
 * The DataLoaders of one request: created per request (their caches must not leak between
 * users), each batching one kind of read into one service call.
 */
import DataLoader from 'dataloader';
import type { UserEntity } from '../db/entities';
import type { UserCoSignal } from '../db/repositories/pairs';
import type { StoredProfile } from '../db/repositories/users';
import type { Item } from '../domain/catalogue';
import type { DescriptionService } from '../generation/service';
import type { Neighbour } from '../personalisation/collab';
import type { Services } from '../services';

export interface Loaders {
  user: DataLoader<string, UserEntity | null>;
  /** The user with their profile in one statement; primes `user` and `profile`. */
  userWithProfile: DataLoader<string, UserEntity | null>;
  /** The user with profile and interacted items in one statement; primes `user`, `profile` and `interacted`. */
  userWithHistory: DataLoader<string, UserEntity | null>;
  /** Personalised descriptions asked for in this request, generated in one batched model call. */
  description: ReturnType<DescriptionService['createLoader']>;
  item: DataLoader<string, Item | null>;
  profile: DataLoader<string, StoredProfile>;
  interacted: DataLoader<string, Set<string>>;
  /** HYBRID: users' recent items with their strongest co-occurrence pairs. */
  coSignal: DataLoader<string, UserCoSignal>;
  /** HYBRID similarItems: items' strongest co-occurrence pairs. */
  itemNeighbours: DataLoader<string, Neighbour[]>;
}

/** What a request will read of a user beside the user row, known from its selection (see lookahead.ts). */
export type UserNeeds = 'user' | 'profile' | 'history';

export function createLoaders(services: Services): Loaders {
  const { userReads, catalogue, personalisation } = services;
  const withPersonalData = (withHistory: boolean) =>
    new DataLoader<string, UserEntity | null>(async (ids) => {
      const found = await Promise.all(ids.map((id) => userReads.load(id, withHistory)));
      return ids.map((id, i) => {
        const data = found[i];
        // What this statement read is what the request's later reads of the same user must see.
        loaders.user.prime(id, data?.user ?? null);
        if (data) {
          loaders.profile.prime(id, data.profile);
          if (data.interacted) loaders.interacted.prime(id, data.interacted);
        }
        return data?.user ?? null;
      });
    });
  const loaders: Loaders = {
    description: services.descriptions.model.createLoader(),
    user: new DataLoader((ids) => userReads.users(ids)),
    userWithProfile: withPersonalData(false),
    userWithHistory: withPersonalData(true),
    item: new DataLoader(async (ids) => {
      const byId = await catalogue.itemsByIds(ids);
      return ids.map((id) => byId.get(id) ?? null);
    }),
    profile: new DataLoader((ids) => userReads.profiles(ids)),
    interacted: new DataLoader((ids) => userReads.interacted(ids)),
    coSignal: new DataLoader((ids) => personalisation.coSignals(ids)),
    itemNeighbours: new DataLoader((ids) => personalisation.itemNeighbours(ids)),
  };
  return loaders;
}

/** Loads a user, with the personal data `needs` names read in the same statement. */
export function loadUser(loaders: Loaders, id: string, needs: UserNeeds): Promise<UserEntity | null> {
  if (needs === 'history') return loaders.userWithHistory.load(id);
  if (needs === 'profile') return loaders.userWithProfile.load(id);
  return loaders.user.load(id);
}
