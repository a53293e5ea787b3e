/** Turns the scraped HTML fragments of product metadata into plain text, and "$12.99" strings into numbers. */
import { decodeHTML } from 'entities';

// Scraped fields are sometimes encoded twice ("&amp;amp;"); three rounds undo any we have seen.
const MAX_DECODE_ROUNDS = 3;

/** HTML entities decoded until nothing changes (double-encoded text included). */
export function decodeEntities(text: string): string {
  let current = text;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = decodeHTML(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * Tags removed (block-level ones become spaces so words do not fuse), script and style
 * bodies dropped with their tags, since their text is code, not copy. A lone '<' that opens
 * no tag (e.g. "ages <12") is kept.
 */
export function stripHtml(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(/<\/?(br|p|div|li|ul|ol|tr|td|h[1-6])\b[^>]*>/gi, ' ')
    .replace(/<\/?[a-z][^<>]*(>|$)/gi, '');
}

/** Plain text: entities decoded after the tags are gone (so "&lt;b&gt;" stays literal text), whitespace collapsed. */
export function cleanText(raw: string): string {
  return decodeEntities(stripHtml(raw))
    .replace(/[\u00a0\s]+/g, ' ')
    .trim();
}

/**
 * A price from "$12.99", "12.99" or "$1,299.00"; the lower bound of a "$10.00 - $20.00" range
 * (what the shopper pays at least); null for anything else (empty, HTML, "Free").
 */
export function parsePrice(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? raw : null;
  if (typeof raw !== 'string') return null;
  const m = /^\s*\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(?:-\s*\$?\s*[\d,]+(?:\.\d+)?\s*)?$/.exec(raw);
  if (!m) return null;
  const value = Number(m[1].replace(/,/g, '') + (m[2] ?? ''));
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : null;
}
