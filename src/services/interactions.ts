/**
 * Recording what a user did: validate, de-duplicate, persist, and fold the event into the
 * user's interest profile, all in one transaction that commits before the client is answered.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { findItemsByIds } from '../db/repositories/items';
import { addImpressions, deleteRejections } from '../db/repositories/feedback';
import { findByIdempotencyKey, insertInteraction } from '../db/repositories/interactions';
import { addToCoOccurrence } from '../db/repositories/pairs';
import { applyProfileUpdate, lockUser } from '../db/repositories/users';
import { InvalidInput } from '../domain/errors';
import {
  ENGAGEMENT_KINDS,
  type Interaction,
  type InteractionKind,
  NOT_INTERESTED,
  parseInteraction,
  parseUserId,
  type ValidEvent,
} from '../domain/interaction';
import { eventTerms } from '../domain/terms';
import { CollabOptions, DEFAULT_COLLAB } from '../personalisation/collab';
import { eventUpdate, ProfileOptions } from '../personalisation/interests';
import { itemTermCounts } from '../personalisation/tokenise';
import type { Clock } from '../util/clock';
import type { Catalogue } from './catalogue';

export interface RecordInput {
  userId: string;
  itemId: string | null;
  kind: InteractionKind;
  query: string | null;
  occurredAt: Date | null;
  idempotencyKey: string | null;
  /** NOT_INTERESTED only: withdraw the user's earlier NOT_INTERESTED of the item. */
  undo?: boolean | null;
}

/** The most item ids one recordImpressions call may carry (one page shown). */
export const MAX_IMPRESSIONS = 100;

export interface RecordResult {
  interaction: Interaction | null;
  replayed: boolean;
}

export interface InteractionOptions extends ProfileOptions {
  dedupeWindowMs: number;
  /** Keep the events of users who turned personalisation off (they still teach nothing). */
  storeEventsWithoutConsent: boolean;
  /** How a counted event pairs with the user's earlier items (HYBRID's co-occurrence). */
  collab?: Pick<CollabOptions, 'window' | 'backwardWeight'>;
  /** Stamps events sent without occurredAt, and is the "now" no event may be ahead of. */
  clock: Clock;
}

type ValidInput = ValidEvent & { idempotencyKey: string | null };

export class InteractionService {
  constructor(
    private readonly db: DataSource,
    private readonly catalogue: Catalogue,
    private readonly options: InteractionOptions,
  ) {}

  async record(raw: RecordInput): Promise<RecordResult> {
    const input = validate(raw, this.options.clock.now());
    if (raw.undo) {
      if (input.kind !== NOT_INTERESTED) throw new InvalidInput('undo is only for NOT_INTERESTED', 'undo');
      return this.db.transaction(async (tx) => {
        await lockUser(tx, input.userId);
        await deleteRejections(tx, input.userId, input.itemId!);
        return { interaction: null, replayed: false };
      });
    }
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
      const engaged = input.itemId !== null && ENGAGEMENT_KINDS.includes(input.kind);
      const interaction = await insertInteraction(
        tx,
        { ...input, counted: user.consent },
        this.options.dedupeWindowMs,
        engaged,
      );
      if (!interaction) {
        // Lost a race with the same key: the winner has committed, answer as it did.
        const earlier = input.idempotencyKey
          ? await findByIdempotencyKey(tx, input.userId, input.idempotencyKey)
          : null;
        if (earlier) return { interaction: earlier, replayed: true };
        // Otherwise the item was in this process's memory but has since left the catalogue.
        throw noSuchItem(input.itemId);
      }
      // NOT_INTERESTED teaches no interest: it is applied when the profile is read (feedback.ts).
      const learn = interaction.counted && input.kind !== NOT_INTERESTED;
      if (learn && terms.size > 0) {
        const refMs = user.profile_ref_time ? user.profile_ref_time.getTime() : -Infinity;
        const update = eventUpdate(
          refMs,
          { kind: input.kind, occurredAtMs: input.occurredAt.getTime(), terms },
          this.options,
        );
        await applyProfileUpdate(tx, input.userId, update);
      }
      if (learn && input.itemId !== null && input.kind !== 'SEARCH') {
        await addToCoOccurrence(tx, input.userId, input.itemId, interaction.id, this.options.collab ?? DEFAULT_COLLAB);
      }
      return { interaction, replayed: false };
    });
  }

  /**
   * Counts one showing of each known item for the user (unknown ids are ignored), in one
   * statement; impressions are never interest. Returns how many were counted.
   */
  async recordImpressions(userIdRaw: string, itemIds: readonly string[]): Promise<number> {
    const user = parseUserId(userIdRaw);
    if (!user.ok) throw new InvalidInput(user.refusal.reason, user.refusal.argument);
    if (itemIds.length > MAX_IMPRESSIONS)
      throw new InvalidInput(`itemIds may hold at most ${MAX_IMPRESSIONS} ids (got ${itemIds.length})`, 'itemIds');
    const known = [...new Set(itemIds)].filter((id) => this.catalogue.engine.has(id));
    return addImpressions(this.db, user.value, known, new Date(this.options.clock.now()));
  }

  /** The event's terms (domain/terms.ts); its item, if any, must exist. */
  private async termsOf(tx: EntityManager, input: ValidInput): Promise<ReadonlyMap<string, number>> {
    // The item row from this process's memory when it is there (it is current to the last
    // catalogue refresh, like the index the terms are weighted by), else from the transaction
    // and kept in memory for the next event.
    let item = input.itemId === null ? undefined : this.catalogue.rememberedItem(input.itemId);
    if (input.itemId !== null && !item) {
      [item] = await findItemsByIds(tx, [input.itemId]);
      if (item) this.catalogue.offerItem(item);
    }
    if (input.itemId !== null && !item) throw noSuchItem(input.itemId);
    const engine = this.catalogue.engine;
    const terms = eventTerms(input, {
      itemTerms: () => (item ? itemTermCounts(item) : undefined),
      queryTerms: (query) => engine.queryTerms(query),
    });
    return terms ?? new Map();
  }
}

function noSuchItem(itemId: string | null): InvalidInput {
  return new InvalidInput(`no item with id ${JSON.stringify(itemId)}`, 'itemId');
}

/** The one validation of an event (domain/interaction.ts); an event sent without a time happened now. */
function validate(input: RecordInput, nowMs: number): ValidInput {
  const parsed = parseInteraction({ ...input, occurredAt: input.occurredAt ?? new Date(nowMs) }, nowMs);
  if (!parsed.ok) throw new InvalidInput(parsed.refusal.reason, parsed.refusal.argument);
  return parsed.value;
}
