/**
 * The per-request context: who asks (the viewer), DataLoaders created for this request only
 * (their caches must not leak between users), and the process-wide services.
 */
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { ItemEntity, UserEntity } from './db/entities';
import { findItemsByIds } from './db/repositories/items';
import { findInteractedItems, findProfiles, findUsersByIds, StoredProfile } from './db/repositories/users';
import type { Services } from './services';
import type { DescriptionService } from './generation/service';
import { forbidden } from './graphql/errors';

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
  /** Personalised descriptions asked for in this request, generated in one batched model call. */
  description: ReturnType<DescriptionService['createLoader']>;
  item: DataLoader<string, ItemEntity | null>;
  profile: DataLoader<string, StoredProfile>;
  interacted: DataLoader<string, Set<string>>;
}

export interface Context {
  viewer: Viewer;
  loaders: Loaders;
  services: Services;
}

export function createLoaders(db: DataSource, generation: DescriptionService): Loaders {
  return {
    description: generation.createLoader(),
    user: new DataLoader(async (ids) => {
      const byId = new Map((await findUsersByIds(db, ids)).map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    item: new DataLoader(async (ids) => {
      const byId = new Map((await findItemsByIds(db, ids)).map((i) => [i.id, i]));
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
  };
}

/**
 * Development identity: the `x-user-id` header, trusted as is. The hardening work replaces it
 * with verified tokens; this function is the one place that decides who asks.
 */
export function viewerFromHeaders(headers: Record<string, string | string[] | undefined>, allowDevUserHeader: boolean): Viewer {
  const raw = headers['x-user-id'];
  const header = Array.isArray(raw) ? raw[0] : raw;
  const userId = allowDevUserHeader && header && header.trim() !== '' ? header.trim() : null;
  return makeViewer(userId, false, allowDevUserHeader);
}

/**
 * In development with no identity at all, reads are open so Sandbox exploration works; once a
 * viewer is known, a user may read and act only for themselves.
 */
export function makeViewer(userId: string | null, isService: boolean, openWhenAnonymous: boolean): Viewer {
  const allowed = (target: string) => isService || userId === target || (userId === null && openWhenAnonymous);
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

export function createContext(services: Services, viewer: Viewer): Context {
  return { viewer, loaders: createLoaders(services.db, services.descriptions.model), services };
}
