/**
 * The terms an event adds to its user's interests: one rule for the live path (recording an
 * interaction), the rebuild from the log (bulk import) and the offline evaluation. How a text
 * becomes terms is the engine's (personalisation/tokenise.ts); which text counts is this.
 */
import type { InteractionKind } from './interaction';

/** Where an event's terms come from, given by the caller (the engine, or the importer's snapshot of the catalogue). */
export interface TermLookup {
  /** An item's term counts, or undefined when the item is unknown. */
  itemTerms(itemId: string): ReadonlyMap<string, number> | undefined;
  /** The known terms a search query names, each once. */
  queryTerms(query: string): readonly string[];
}

/**
 * A SEARCH counts each known term its query names once (its item, if any, adds nothing); a
 * NOT_INTERESTED counts nothing; any other event counts its item's term counts. Undefined when there is nothing to count from.
 */
export function eventTerms(
  event: { kind: InteractionKind; itemId: string | null; query: string | null },
  lookup: TermLookup,
): ReadonlyMap<string, number> | undefined {
  // Negative feedback is no interest: it acts when the profile is read (personalisation/feedback.ts).
  if (event.kind === 'NOT_INTERESTED') return undefined;
  if (event.kind === 'SEARCH') return new Map(lookup.queryTerms(event.query ?? '').map((t) => [t, 1]));
  return event.itemId === null ? undefined : lookup.itemTerms(event.itemId);
}
