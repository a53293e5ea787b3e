/**
 * The DataLoaders of one request: created per request (their caches must not leak between
 * users), each batching one kind of read into one service call.
 */
import DataLoader from 'dataloader';
import type { UserEntity } from '../db/entities';
import type { StoredProfile, UserCoHistory } from '../db/repositories/users';
import type { Item } from '../domain/catalogue';
import type { DescriptionService } from '../generation/service';
import type { Services } from '../services';
import type { FeedState } from '../services/co-occurrence';
import type { UserNeeds } from '../services/user-reads';

export type { UserNeeds };

export interface Loaders {
  user: DataLoader<string, UserEntity | null>;
  /** The user with their profile in one statement; primes `user` and `profile`. */
  userWithProfile: DataLoader<string, UserEntity | null>;
  /** The user with profile and interacted items in one statement; primes `user`, `profile` and `interacted`. */
  userWithHistory: DataLoader<string, UserEntity | null>;
  /** As userWithHistory, with HYBRID's read (recent items, pair feed count); primes `coHistory` too. */
  userWithHybrid: DataLoader<string, UserEntity | null>;
  /** Personalised descriptions asked for in this request, generated in one batched model call. */
  description: ReturnType<DescriptionService['createLoader']>;
  item: DataLoader<string, Item | null>;
  profile: DataLoader<string, StoredProfile>;
  interacted: DataLoader<string, Set<string>>;
  /** HYBRID: users' recent items, with the pair feed's count read in the same statement. */
  coHistory: DataLoader<string, UserCoHistory>;
  /** HYBRID similarItems: the pair feed's count, so this process's pairs are current before it answers. */
  pairFeed: () => Promise<FeedState>;
}

export function createLoaders(services: Services): Loaders {
  const { userReads, catalogue, personalisation } = services;
  const withPersonalData = (needs: Exclude<UserNeeds, 'user'>) =>
    new DataLoader<string, UserEntity | null>(async (ids) => {
      const found = await Promise.all(ids.map((id) => userReads.load(id, needs)));
      return ids.map((id, i) => {
        const data = found[i];
        // What this statement read is what the request's later reads of the same user must see.
        loaders.user.prime(id, data?.user ?? null);
        if (data) {
          loaders.profile.prime(id, data.profile);
          if (data.interacted) loaders.interacted.prime(id, data.interacted);
          if (data.coSignal) loaders.coHistory.prime(id, data.coSignal);
        }
        return data?.user ?? null;
      });
    });
  const loaders: Loaders = {
    description: services.descriptions.model.createLoader(),
    user: new DataLoader((ids) => userReads.users(ids)),
    userWithProfile: withPersonalData('profile'),
    userWithHistory: withPersonalData('history'),
    userWithHybrid: withPersonalData('hybrid'),
    item: new DataLoader(async (ids) => {
      const byId = await catalogue.itemsByIds(ids);
      return ids.map((id) => byId.get(id) ?? null);
    }),
    profile: new DataLoader((ids) => userReads.profiles(ids)),
    interacted: new DataLoader((ids) => userReads.interacted(ids)),
    coHistory: new DataLoader((ids) => Promise.all(ids.map((id) => userReads.coHistory(id)))),
    pairFeed: () => (pairFeed ??= personalisation.pairFeed()),
  };
  let pairFeed: Promise<FeedState> | undefined;
  return loaders;
}

/** Loads a user, with the personal data `needs` names read in the same statement. */
export function loadUser(loaders: Loaders, id: string, needs: UserNeeds): Promise<UserEntity | null> {
  if (needs === 'hybrid') return loaders.userWithHybrid.load(id);
  if (needs === 'history') return loaders.userWithHistory.load(id);
  if (needs === 'profile') return loaders.userWithProfile.load(id);
  return loaders.user.load(id);
}
