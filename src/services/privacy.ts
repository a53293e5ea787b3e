/** A user's control over their data: consent to personalisation, and being forgotten. */
import type { DataSource } from 'typeorm';
import { announce } from '../db/change-feed';
import { removeFromCoOccurrence } from '../db/repositories/pairs';
import { deleteUser, lockUsers, setConsent } from '../db/repositories/users';
import { InvalidInput } from '../domain/errors';
import { parseUserId } from '../domain/interaction';
import { DEFAULT_COLLAB } from '../personalisation/collab';

export class PrivacyService {
  constructor(
    private readonly db: DataSource,
    private readonly channel: string,
  ) {}

  async setConsent(userId: string, enabled: boolean): Promise<{ userId: string; enabled: boolean }> {
    const id = checkedUserId(userId);
    await setConsent(this.db, id, enabled);
    await announce(this.db, this.channel, 'users');
    return { userId: id, enabled };
  }

  /**
   * One transaction: the user's share of the co-occurrence counts, then the user row, and by
   * cascade their interactions and interest profile.
   */
  async forget(userId: string): Promise<{ userId: string; forgotten: boolean; interactionsDeleted: number }> {
    const id = checkedUserId(userId);
    const result = await this.db.transaction(async (tx) => {
      await lockUsers(tx, [id]);
      await removeFromCoOccurrence(tx, id, DEFAULT_COLLAB);
      return deleteUser(tx, id);
    });
    await announce(this.db, this.channel, 'users');
    return { userId: id, forgotten: result.existed, interactionsDeleted: result.interactions };
  }
}

/** A user id by the same rule as a recorded interaction's. */
function checkedUserId(userId: string): string {
  const parsed = parseUserId(userId);
  if (!parsed.ok) throw new InvalidInput(parsed.refusal.reason, parsed.refusal.argument);
  return parsed.value;
}
