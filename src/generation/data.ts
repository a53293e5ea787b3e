/**
 * Items to learn from and evaluate on, from a file (the converted JSON Lines catalogue, or the raw
 * Amazon file), and the splits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from '../util/paths';
import { cleanText } from '../ingest/converters/text';
import type { ItemFacts } from './facts';

/** An item to learn from or evaluate on: the fields copy is written from. */
export type CatalogueItem = ItemFacts;

/** The default training file: the full converted catalogue when present, else the shipped sample. */
export function defaultItemsFile(): string {
  const full = join(projectRoot(), '.data', 'converted', 'magazines', 'items.jsonl');
  return existsSync(full) ? full : join(projectRoot(), 'data', 'sample', 'items.jsonl');
}

function fromRaw(raw: Record<string, unknown>): CatalogueItem | null {
  const desc = Array.isArray(raw.description) ? cleanText((raw.description as string[]).join(' ')) : '';
  const brand = typeof raw.brand === 'string' && raw.brand.trim() !== '' ? cleanText(raw.brand) : null;
  const title = typeof raw.title === 'string' && !raw.title.includes('<') ? cleanText(raw.title) : (brand ?? '');
  const categories = Array.isArray(raw.category)
    ? (raw.category as string[]).map(cleanText).filter((c) => c !== '')
    : [];
  if (typeof raw.asin !== 'string') return null;
  return { id: raw.asin, title, description: desc || null, brand, categories, tags: [], price: null };
}

function fromConverted(raw: Record<string, unknown>): CatalogueItem {
  return {
    id: String(raw.id),
    title: typeof raw.title === 'string' ? raw.title : '',
    description: typeof raw.description === 'string' ? raw.description : null,
    brand: typeof raw.brand === 'string' ? raw.brand : null,
    categories: (raw.categories as string[] | undefined) ?? [],
    tags: (raw.tags as string[] | undefined) ?? [],
    price: typeof raw.price === 'number' ? raw.price : null,
    attributes: (raw.attributes as Record<string, unknown> | undefined) ?? {},
  };
}

/** Reads items from a `.jsonl` file (converted format) or a raw `.json.gz` Amazon metadata file. */
export function readItems(file: string): CatalogueItem[] {
  const buffer = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(buffer).toString('utf8') : buffer.toString('utf8');
  const out: CatalogueItem[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const raw = JSON.parse(line) as Record<string, unknown>;
    const item = 'asin' in raw ? fromRaw(raw) : fromConverted(raw);
    if (item) out.push(item);
  }
  return out;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export type Split = 'train' | 'validation' | 'test';

/**
 * A split fixed by the item id alone (10% test, 10% validation), so training and evaluation agree
 * without sharing state, whatever the seed.
 */
export function splitOf(id: string): Split {
  const bucket = hash(`split:${id}`) % 10;
  return bucket === 0 ? 'test' : bucket === 1 ? 'validation' : 'train';
}

/** Items with a real description of more than 10 words, one per distinct description. */
export function describedItems(items: CatalogueItem[]): CatalogueItem[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const d = item.description?.trim() ?? '';
    if (d.split(/\s+/).length <= 10) return false;
    const key = d.toLowerCase().replace(/[^a-z0-9]+/g, ' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
