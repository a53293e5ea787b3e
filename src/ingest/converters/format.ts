/** The JSON Lines shapes tailor's bulk import reads (see src/ingest/validate.ts), as the converters write them. */
import type { ItemInput } from '../../db/repositories/items';
import type { InteractionKind } from '../../domain/interaction';

/** An item line: exactly what the importer stores. */
export type ItemRecord = ItemInput;

export interface InteractionRecord {
  userId: string;
  itemId: string | null;
  kind: InteractionKind;
  /** ISO-8601, UTC. */
  occurredAt: string;
  query: string | null;
}

/** Counts of what a conversion read, wrote and dropped, with a reason per dropped line. */
export class Tally {
  read = 0;
  written = 0;
  readonly dropped = new Map<string, number>();

  drop(reason: string): void {
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1);
  }

  get droppedTotal(): number {
    let total = 0;
    for (const n of this.dropped.values()) total += n;
    return total;
  }

  toJSON(): { read: number; written: number; dropped: number; droppedByReason: Record<string, number> } {
    return {
      read: this.read,
      written: this.written,
      dropped: this.droppedTotal,
      droppedByReason: Object.fromEntries(this.dropped),
    };
  }
}
