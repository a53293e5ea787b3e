/**
 * What copy is written from (an item's own fields, plain data) and what it says it came from
 * (claims). A claim's `ref` names the field: `title`, `brand`, `price`, `description[i]` (the
 * i-th sentence of the description as segment.ts numbers them, from 0), `categories[i]`,
 * `tags[i]`, `attributes.<key>`.
 */
import { createHash } from 'node:crypto';
import { normaliseTerm } from '../personalisation/tokenise';

export interface ItemFacts {
  id: string;
  title: string;
  description: string | null;
  brand: string | null;
  categories: string[];
  tags: string[];
  price: number | null;
  attributes?: Record<string, unknown> | null;
}

export type ClaimSource = 'DESCRIPTION' | 'TITLE' | 'BRAND' | 'CATEGORY' | 'TAG' | 'PRICE' | 'ATTRIBUTE';

export interface Claim {
  text: string;
  source: ClaimSource;
  ref: string;
}

/** One run of written text: a claim's text, or connecting words and punctuation (claim null). */
export interface Segment {
  text: string;
  claim: Omit<Claim, 'text'> | null;
}

/** The text segments make, and their claims in order. */
export function render(segments: Segment[]): { text: string; claims: Claim[] } {
  const text = segments.map((s) => s.text).join('');
  const claims = segments
    .filter((s) => s.claim !== null && s.text.trim() !== '')
    .map((s) => ({ text: s.text.trim(), ...s.claim! }));
  return { text, claims };
}

/** Changes whenever anything copy is written from changes (it keys the caches). */
export function contentHash(item: ItemFacts): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        item.title,
        item.description,
        item.brand,
        item.categories,
        item.tags,
        item.price,
        item.attributes ?? null,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

/** A field of the item that names a normalised term: the label as written, where it is, and what kind. */
export interface Label {
  text: string;
  source: 'TAG' | 'CATEGORY' | 'BRAND';
  ref: string;
  /**
   * For a lead: false for a singular count noun ("bird", "cleanser"), which cannot follow
   * "interested in" without an article but can modify a noun ("For bird fans").
   */
  bare?: boolean;
}

/** The item's own label for a normalised term (tags first, then categories, then the brand). */
export function labelOf(item: ItemFacts, term: string): Label | null {
  for (const [i, tag] of item.tags.entries())
    if (normaliseTerm(tag) === term) return { text: tag, source: 'TAG', ref: `tags[${i}]` };
  for (const [i, c] of item.categories.entries()) {
    if (normaliseTerm(c) === term) return { text: c, source: 'CATEGORY', ref: `categories[${i}]` };
  }
  if (item.brand && normaliseTerm(item.brand) === term) return { text: item.brand, source: 'BRAND', ref: 'brand' };
  return null;
}

/** A price as copy shows it (and as its claim is checked): whole, or with two decimals. */
export function priceText(price: number): string {
  return Number.isInteger(price) ? String(price) : price.toFixed(2);
}

/** The text of the field a claim's ref names (a description claim: the description itself). */
export function fieldText(item: ItemFacts, ref: string): string | null {
  if (ref === 'title') return item.title;
  if (ref === 'brand') return item.brand;
  if (ref === 'price') return item.price === null ? null : priceText(item.price);
  if (/^description\[\d+\]$/.test(ref)) return item.description;
  const list = /^(categories|tags)\[(\d+)\]$/.exec(ref);
  if (list) return (list[1] === 'tags' ? item.tags : item.categories)[Number(list[2])] ?? null;
  if (ref.startsWith('attributes.')) {
    const v = item.attributes?.[ref.slice('attributes.'.length)];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  }
  return null;
}
