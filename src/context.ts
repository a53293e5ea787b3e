/**
 * The per-request context: who asks (the viewer), DataLoaders created for this request only
 * (their caches must not leak between users), and the process-wide services.
 */
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { ItemEntity, UserEntity } from './db/entities';
import { findItemNeighbours, findUserCoSignals, UserCoSignal } from './db/repositories/pairs';
import { findInteractedItems, findProfiles, findUsersByIds, StoredProfile } from './db/repositories/users';
import type { Services } from './services';
import type { Catalogue } from './services/catalogue';
import type { UserReads } from './services/user-reads';
import type { DescriptionService } from './generation/service';
import { forbidden } from './graphql/errors';
import { DEFAULT_COLLAB, Neighbour } from './personalisation/collab';

export interface Viewer {
  /** The user making the request, if known. */
  userId: string | null;
  /** A trusted service (gateway, back office) that may read and act for anyone. */
  isService: boolean;
  assertCanReadPersonal(userId: string): void;
  assertCanActFor(userId: string): void;
}

export interface Loaders {
  user: DataLoader<string, UserEntity | null>;
  /** The user with their profile in one statement; primes `user` and `profile`. */
  userWithProfile: DataLoader<string, UserEntity | null>;
  /** The user with profile and interacted items in one statement; primes `user`, `profile` and `interacted`. */
  userWithHistory: DataLoader<string, UserEntity | null>;
  /** Personalised descriptions asked for in this request, generated in one batched model call. */
  description: ReturnType<DescriptionService['createLoader']>;
  item: DataLoader<string, ItemEntity | null>;
  profile: DataLoader<string, StoredProfile>;
  interacted: DataLoader<string, Set<string>>;
  /** HYBRID: users' recent items with their strongest co-occurrence pairs. */
  coSignal: DataLoader<string, UserCoSignal>;
  /** HYBRID similarItems: items' strongest co-occurrence pairs. */
  itemNeighbours: DataLoader<string, Neighbour[]>;
}

export interface Context {
  viewer: Viewer;
  /** Who to count a request against for rate limits: the user, else the client address. */
  clientKey: string;
  loaders: Loaders;
  services: Services;
}

/** What a request will read of a user beside the user row, known from its selection (see graphql/lookahead.ts). */
export type UserNeeds = 'user' | 'profile' | 'history';

export function createLoaders(db: DataSource, catalogue: Catalogue, userReads: UserReads, generation: DescriptionService): Loaders {
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
    description: generation.createLoader(),
    user: new DataLoader(async (ids) => {
      const byId = new Map((await findUsersByIds(db, ids)).map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    userWithProfile: withPersonalData(false),
    userWithHistory: withPersonalData(true),
    item: new DataLoader(async (ids) => {
      const byId = await catalogue.itemsByIds(ids);
      return ids.map((id) => byId.get(id) ?? null);
    }),
    profile: new DataLoader(async (ids) => {
      const profiles = await findProfiles(db, ids);
      return ids.map((id) => profiles.get(id)!);
    }),
    interacted: new DataLoader(async (ids) => {
      const sets = await findInteractedItems(db, ids);
      return ids.map((id) => sets.get(id)!);
    }),
    coSignal: new DataLoader(async (ids) => {
      const signals = await findUserCoSignals(db, ids, DEFAULT_COLLAB.historyLength, DEFAULT_COLLAB.neighbours);
      return ids.map((id) => signals.get(id)!);
    }),
    itemNeighbours: new DataLoader(async (ids) => {
      const lists = await findItemNeighbours(db, ids, DEFAULT_COLLAB.neighbours);
      return ids.map((id) => lists.get(id)!);
    }),
  };
  return loaders;
}

/** Loads a user, with the personal data `needs` names read in the same statement. */
export function loadUser(loaders: Loaders, id: string, needs: UserNeeds): Promise<UserEntity | null> {
  if (needs === 'history') return loaders.userWithHistory.load(id);
  if (needs === 'profile') return loaders.userWithProfile.load(id);
  return loaders.user.load(id);
}

/** A user may read and act only for themselves; a service may for anyone; nobody else at all. */
export function makeViewer(userId: string | null, isService: boolean): Viewer {
  const allowed = (target: string) => isService || (userId !== null && userId === target);
  return {
    userId,
    isService,
    assertCanReadPersonal(target) {
      if (!allowed(target)) throw forbidden('you may only read your own interests, recommendations and descriptions');
    },
    assertCanActFor(target) {
      if (!allowed(target)) throw forbidden('you may only record interactions for yourself');
    },
  };
}

export function createContext(services: Services, viewer: Viewer, clientAddress = 'local'): Context {
  return {
    viewer,
    clientKey: viewer.userId !== null ? `user:${viewer.userId}` : `ip:${clientAddress}`,
    loaders: createLoaders(services.db, services.catalogue, services.userReads, services.descriptions.model),
    services,
  };
}
