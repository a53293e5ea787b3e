/** Rows for tests, written through the same repositories and importer the service uses. */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { insertInteractionsBulk, NewInteraction } from '../../src/db/repositories/interactions';
import { upsertItems, ItemInput } from '../../src/db/repositories/items';
import { ensureUsers, replaceProfiles, setConsent } from '../../src/db/repositories/users';

export function item(id: string, overrides: Partial<ItemInput> = {}): ItemInput {
  return {
    id,
    title: `Item ${id}`,
    description: `The description of item ${id}.`,
    brand: null,
    categories: [],
    tags: [],
    price: null,
    attributes: {},
    ...overrides,
  };
}

export async function insertItems(db: DataSource, items: ItemInput[]): Promise<void> {
  await upsertItems(db, items);
}

/** Users as an unknown id first seen creates them (consent on, no profile); `consent: false` turns it off. */
export async function insertUsers(db: DataSource, ids: string[], options: { consent?: boolean } = {}): Promise<void> {
  await ensureUsers(db, ids);
  if (options.consent === false) for (const id of ids) await setConsent(db, id, false);
}

/** Stored profiles (raw weights at a reference time, or none: null), replacing what the users had. */
export async function insertProfiles(
  db: DataSource,
  profiles: Record<string, { refTime: string | null; weights: [string, number][] }>,
): Promise<void> {
  const byUser = new Map(
    Object.entries(profiles).map(([id, p]) => [
      id,
      { weights: new Map(p.weights), refMs: p.refTime === null ? -Infinity : Date.parse(p.refTime) },
    ]),
  );
  await db.transaction((tx) => replaceProfiles(tx, byUser));
}

export interface LoggedInteraction {
  userId: string;
  itemId: string | null;
  kind: NewInteraction['kind'];
  /** ISO time (date fixtures relative to test/support/config.ts's clock). */
  occurredAt: string;
  query?: string | null;
}

/**
 * Events in the log only, as the importer writes them before it derives anything (users are
 * created first; profiles and co-occurrence are left alone): for tests of what reads the log.
 */
export async function insertInteractions(db: DataSource, rows: LoggedInteraction[]): Promise<void> {
  await db.transaction(async (tx) => {
    await ensureUsers(tx, [...new Set(rows.map((r) => r.userId))]);
    await insertInteractionsBulk(
      tx,
      rows.map((r) => ({
        ...r,
        query: r.query ?? null,
        occurredAt: new Date(r.occurredAt),
        idempotencyKey: null,
        counted: true,
      })),
    );
  });
}

/** Writes lines (objects are JSON-encoded, strings written as they are) to a temp file. */
export function jsonlFile(lines: (object | string)[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tailor-test-'));
  const path = join(dir, 'data.jsonl');
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}
