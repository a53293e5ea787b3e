/** A user's control over their data: consent to personalisation, and being forgotten. */
import type { DataSource } from 'typeorm';
import { removeFromCoOccurrence } from '../db/repositories/pairs';
import { deleteUser, setConsent } from '../db/repositories/users';
import { badUserInput } from '../graphql/errors';
import { announce } from './change-feed';
import { DEFAULT_COLLAB } from '../personalisation/collab';
import { stringProblem } from '../util/storable';
import { LIMITS } from './interactions';

export class PrivacyService {
  constructor(private readonly db: DataSource, private readonly channel: string) {}

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
      await tx.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [id]);
      await removeFromCoOccurrence(tx, id, DEFAULT_COLLAB);
      return deleteUser(tx, id);
    });
    await announce(this.db, this.channel, 'users');
    return { userId: id, forgotten: result.existed, interactionsDeleted: result.interactions };
  }
}

function checkedUserId(userId: string): string {
  const id = userId.trim();
  if (id === '' || id.length > LIMITS.idLength) throw badUserInput(`userId must be 1 to ${LIMITS.idLength} characters`, 'userId');
  const problem = stringProblem(id);
  if (problem) throw badUserInput(`userId ${problem}`, 'userId');
  return id;
}
