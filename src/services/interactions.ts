/**
 * Recording what a user did: validate, de-duplicate, persist, and fold the event into the
 * user's interest profile, all in one transaction that commits before the client is answered.
 */
import { eventTimeProblem, stringProblem } from '../util/storable';
import type { DataSource, EntityManager } from 'typeorm';
import type { InteractionEntity, InteractionKindValue } from '../db/entities';
import { findItemsByIds } from '../db/repositories/items';
import { findByIdempotencyKey, insertInteraction } from '../db/repositories/interactions';
import { addToCoOccurrence } from '../db/repositories/pairs';
import { applyProfileUpdate, lockUser } from '../db/repositories/users';
import { badUserInput } from '../graphql/errors';
import { CollabOptions, DEFAULT_COLLAB } from '../personalisation/collab';
import { eventUpdate, ProfileOptions } from '../personalisation/interests';
import { itemTermCounts, queryTerms } from '../personalisation/tokenise';
import type { Clock } from '../util/clock';
import type { Catalogue } from './catalogue';

export interface RecordInput {
  userId: string;
  itemId: string | null;
  kind: InteractionKindValue;
  query: string | null;
  occurredAt: Date | null;
  idempotencyKey: string | null;
}

export interface RecordResult {
  interaction: InteractionEntity | null;
  replayed: boolean;
}

export const LIMITS = { idLength: 200, queryLength: 500, keyLength: 200 } as const;

export interface InteractionOptions extends ProfileOptions {
  dedupeWindowMs: number;
  /** Keep the events of users who turned personalisation off (they still teach nothing). */
  storeEventsWithoutConsent: boolean;
  /** How a counted event pairs with the user's earlier items (HYBRID's co-occurrence). */
  collab?: Pick<CollabOptions, 'window' | 'backwardWeight'>;
  /** Stamps events sent without occurredAt, and is the "now" no event may be ahead of. */
  clock: Clock;
}

export class InteractionService {
  constructor(
    private readonly db: DataSource,
    private readonly catalogue: Catalogue,
    private readonly options: InteractionOptions,
  ) {}

  async record(raw: RecordInput): Promise<RecordResult> {
    const input = validate(raw, this.options.clock.now());
    return this.db.transaction(async (tx) => {
      // Serialises this user's events so profile updates never interleave.
      const user = await lockUser(tx, input.userId);
      if (input.idempotencyKey) {
        const earlier = await findByIdempotencyKey(tx, input.userId, input.idempotencyKey);
        if (earlier) return { interaction: earlier, replayed: true };
      }
      const terms = await this.termsOf(tx, input);
      if (!user.consent && !this.options.storeEventsWithoutConsent) return { interaction: null, replayed: false };
      // Counted (learned from) only with consent and when it is not a repeat within the window.
      const interaction = await insertInteraction(tx, { ...input, counted: user.consent }, this.options.dedupeWindowMs);
      if (!interaction) {
        // Lost a race with the same key: the winner has committed, answer as it did.
        const earlier = input.idempotencyKey ? await findByIdempotencyKey(tx, input.userId, input.idempotencyKey) : null;
        if (earlier) return { interaction: earlier, replayed: true };
        // Otherwise the item was in this process's memory but has since left the catalogue.
        throw badUserInput(`no item with id ${JSON.stringify(input.itemId)}`, 'itemId');
      }
      const learn = interaction.counted;
      if (learn && terms.size > 0) {
        const refMs = user.profile_ref_time ? user.profile_ref_time.getTime() : -Infinity;
        const update = eventUpdate(refMs, { kind: input.kind, occurredAtMs: input.occurredAt.getTime(), terms }, this.options);
        await applyProfileUpdate(tx, input.userId, update);
      }
      if (learn && input.itemId !== null && input.kind !== 'SEARCH') {
        await addToCoOccurrence(tx, input.userId, input.itemId, interaction.id, this.options.collab ?? DEFAULT_COLLAB);
      }
      return { interaction, replayed: false };
    });
  }

  /** The item's terms, or for a SEARCH the known terms its query names (its item, if any, must exist). */
  private async termsOf(tx: EntityManager, input: ValidInput): Promise<Map<string, number>> {
    // The item row from this process's memory when it is there (it is current to the last
    // catalogue refresh, like the index the terms are weighted by), else from the transaction
    // and kept in memory for the next event.
    let item = input.itemId === null ? undefined : this.catalogue.rememberedItem(input.itemId);
    if (input.itemId !== null && !item) {
      [item] = await findItemsByIds(tx, [input.itemId]);
      if (item) this.catalogue.offerItem(item);
    }
    if (input.itemId !== null && !item) throw badUserInput(`no item with id ${JSON.stringify(input.itemId)}`, 'itemId');
    // validate() lets only a SEARCH go without an item.
    if (input.kind !== 'SEARCH') return itemTermCounts(item!);
    const engine = this.catalogue.engine;
    return new Map(queryTerms(input.query!, (t) => engine.isKnownTerm(t)).map((t) => [t, 1]));
  }
}

type ValidInput = Omit<RecordInput, 'occurredAt'> & { occurredAt: Date };

function validate(input: RecordInput, nowMs: number): ValidInput {
  for (const [name, value] of Object.entries(input)) {
    const problem = typeof value === 'string' ? stringProblem(value) : undefined;
    if (problem) throw badUserInput(`${name} ${problem}`, name);
  }
  const userId = input.userId.trim();
  if (userId === '' || userId.length > LIMITS.idLength) throw badUserInput(`userId must be 1 to ${LIMITS.idLength} characters`, 'userId');
  const itemId = input.itemId === null ? null : input.itemId.trim();
  if (itemId !== null && (itemId === '' || itemId.length > LIMITS.idLength)) throw badUserInput(`itemId must be 1 to ${LIMITS.idLength} characters`, 'itemId');
  const query = input.query === null ? null : input.query.trim();
  if (input.kind === 'SEARCH') {
    if (!query) throw badUserInput('a SEARCH needs a non-empty query', 'query');
    if (query.length > LIMITS.queryLength) throw badUserInput(`query must be at most ${LIMITS.queryLength} characters`, 'query');
  } else {
    if (itemId === null) throw badUserInput(`a ${input.kind} needs an itemId`, 'itemId');
    if (query) throw badUserInput('query is only for SEARCH', 'query');
  }
  const key = input.idempotencyKey;
  if (key !== null && (key === '' || key.length > LIMITS.keyLength)) throw badUserInput(`idempotencyKey must be 1 to ${LIMITS.keyLength} characters`, 'idempotencyKey');
  const occurredAt = input.occurredAt ?? new Date(nowMs);
  const timeProblem = eventTimeProblem(occurredAt.getTime(), nowMs);
  if (timeProblem) throw badUserInput(`occurredAt is ${timeProblem}`, 'occurredAt');
  return { userId, itemId, kind: input.kind, query: input.kind === 'SEARCH' ? query : null, occurredAt, idempotencyKey: key };
}
