/** Rows for tests, written through the same repositories and importer the service uses. */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { upsertItems, ItemInput } from '../../src/db/repositories/items';

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

/** Writes lines (objects are JSON-encoded, strings written as they are) to a temp file. */
export function jsonlFile(lines: (object | string)[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tailor-test-'));
  const path = join(dir, 'data.jsonl');
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return path;
}
