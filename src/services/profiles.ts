/**
 * Rebuilding users' profiles from the interaction log with the same arithmetic the live path
 * uses (bulk import writes the log in batches, then derives the profiles once).
 */
import type { DataSource } from 'typeorm';
import { findEventsOfUsers, LoggedEvent, setCounted } from '../db/repositories/interactions';
import { lockUsers, replaceProfiles } from '../db/repositories/users';
import { eventTerms, type TermLookup } from '../domain/terms';
import { applyEvent, isDuplicate, ProfileOptions, ProfileState } from '../personalisation/interests';

export interface RebuildOptions extends ProfileOptions {
  dedupeWindowMs: number;
  /** Where the events' terms come from (the importer's snapshot of the catalogue). */
  terms: TermLookup;
}

/** Folds one user's time-ordered events into a profile; returns it and the events that count. */
export function profileFromEvents(
  events: readonly LoggedEvent[],
  options: RebuildOptions,
): { profile: ProfileState; counted: Set<string> } {
  const profile: ProfileState = { weights: new Map(), refMs: -Infinity };
  const lastSeen = new Map<string, number>();
  const counted = new Set<string>();
  for (const e of events) {
    const at = e.occurredAt.getTime();
    const key = `${e.kind}\u0000${e.itemId ?? ''}\u0000${e.query ?? ''}`;
    const previous = lastSeen.get(key) ?? null;
    lastSeen.set(key, at);
    if (isDuplicate(previous, at, options.dedupeWindowMs)) continue;
    counted.add(e.id);
    const terms = eventTerms(e, options.terms);
    if (terms && terms.size > 0) applyEvent(profile, { kind: e.kind, occurredAtMs: at, terms }, options);
  }
  return { profile, counted };
}

/**
 * Rebuilds the given users' profiles, a batch of users per transaction. Two batches run at once
 * (disjoint users, so they never wait for each other): one is computed in this process while
 * PostgreSQL writes the other.
 */
export async function rebuildProfiles(
  db: DataSource,
  userIds: readonly string[],
  options: RebuildOptions,
  batchSize = 2_000,
  concurrency = 2,
): Promise<void> {
  const batches: string[][] = [];
  for (let start = 0; start < userIds.length; start += batchSize) batches.push(userIds.slice(start, start + batchSize));
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < batches.length) {
      const batch = batches[next++];
      try {
        await rebuildBatch(db, batch, options);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
}

async function rebuildBatch(db: DataSource, batch: readonly string[], options: RebuildOptions): Promise<void> {
  await db.transaction(async (tx) => {
    // Same lock order as the live path, so a concurrent recordInteraction waits rather than interleaves.
    await lockUsers(tx, batch);
    const events = await findEventsOfUsers(tx, batch);
    const profiles = new Map<string, ProfileState>();
    const nowCounted: string[] = [];
    const nowNotCounted: string[] = [];
    let from = 0;
    while (from < events.length) {
      let to = from;
      while (to < events.length && events[to].userId === events[from].userId) to++;
      const userEvents = events.slice(from, to);
      const { profile, counted } = profileFromEvents(userEvents, options);
      profiles.set(events[from].userId, profile);
      for (const e of userEvents) {
        if (counted.has(e.id) && !e.counted) nowCounted.push(e.id);
        if (!counted.has(e.id) && e.counted) nowNotCounted.push(e.id);
      }
      from = to;
    }
    await replaceProfiles(tx, profiles);
    await setCounted(tx, nowCounted, true);
    await setCounted(tx, nowNotCounted, false);
  });
}
