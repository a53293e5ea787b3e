/**
 * Reads of users with their personal data, batched across concurrent requests: the loads of
 * every request that arrive in one turn of the event loop go to Postgres as one statement. On a
 * loaded server that is one round trip (and one wake-up of a Postgres backend) for many
 * requests instead of one each. Nothing is kept between turns: personal data is read fresh for
 * every request (an event recorded through any process shows at the next request), and a load
 * is always answered by a statement that started after it was asked for. A turn is never split:
 * a gateway's `_entities` call with any number of users is one statement.
 */
import type DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { UserEntity } from '../db/entities';
import {
  findInteractedItems,
  findProfiles,
  findUserCoHistories,
  findUsersByIds,
  findUsersWithPersonalData,
  type StoredProfile,
  type UserCoHistory,
  type UserWithPersonalData,
} from '../db/repositories/users';
import { perTurnLoader } from '../util/per-turn-loader';

/** What HYBRID reads with a user: how many recent items, and from where to count the pair feed. */
export interface HybridReads {
  historyLength: number;
  feedLow: () => number;
}

export type UserNeeds = 'user' | 'profile' | 'history' | 'hybrid';

export class UserReads {
  private readonly withProfile: DataLoader<string, UserWithPersonalData | null>;
  private readonly withHistory: DataLoader<string, UserWithPersonalData | null>;
  private readonly withHybrid: DataLoader<string, UserWithPersonalData | null>;
  private readonly coHistories: DataLoader<string, UserCoHistory>;

  constructor(
    private readonly db: DataSource,
    hybrid: HybridReads,
  ) {
    const loader = (history: boolean, co: boolean) =>
      perTurnLoader<string, UserWithPersonalData | null>(async (ids) => {
        // The same id can come from several requests: read it once.
        const found = await findUsersWithPersonalData(
          db,
          [...new Set(ids)],
          history,
          co ? { historyLength: hybrid.historyLength, feedLow: hybrid.feedLow() } : undefined,
        );
        return ids.map((id) => found.get(id) ?? null);
      });
    this.withProfile = loader(false, false);
    this.withHistory = loader(true, false);
    this.withHybrid = loader(true, true);
    this.coHistories = perTurnLoader(async (ids) => {
      const found = await findUserCoHistories(db, [...new Set(ids)], hybrid.historyLength, hybrid.feedLow());
      return ids.map((id) => found.get(id)!);
    });
  }

  /** HYBRID's read for a user loaded without it: recent items and the pair feed's count. */
  coHistory(id: string): Promise<UserCoHistory> {
    return this.coHistories.load(id);
  }

  /** Users by id, in the order asked (null for unknown ids): one statement, for one request's loader. */
  async users(ids: readonly string[]): Promise<(UserEntity | null)[]> {
    const byId = new Map((await findUsersByIds(this.db, ids)).map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Users' raw interest weights, in the order asked (empty without consent or history). */
  async profiles(ids: readonly string[]): Promise<StoredProfile[]> {
    const profiles = await findProfiles(this.db, ids);
    return ids.map((id) => profiles.get(id)!);
  }

  /** The items each user has interacted with, in the order asked. */
  async interacted(ids: readonly string[]): Promise<Set<string>[]> {
    const sets = await findInteractedItems(this.db, ids);
    return ids.map((id) => sets.get(id)!);
  }

  /** The user with their profile, and the items they have interacted with (and HYBRID's read) as `needs` says; null if unknown. */
  load(id: string, needs: Exclude<UserNeeds, 'user'>): Promise<UserWithPersonalData | null> {
    const loader = needs === 'hybrid' ? this.withHybrid : needs === 'history' ? this.withHistory : this.withProfile;
    return loader.load(id);
  }
}
