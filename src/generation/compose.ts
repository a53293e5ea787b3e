/**
 * Copy for an item with no description of its own (or none that fits the budget), composed from
 * its title, brand, categories, tags, price and short attributes in plain sentences that name no
 * kind of product ("is from", "is listed under": a lipstick is not a magazine).
 */
import { isTopicLabel } from './grammar';
import { priceText, Segment } from './facts';
import type { ItemFacts } from './facts';
import { normaliseTerm } from '../personalisation/tokenise';
import { countWords } from './segment';

export interface ComposedSentence {
  segments: Segment[];
  words: number;
}

/** "&" reads "and" in running text (the same term either way: normalisation folds "&" to "and"). */
function plain(label: string): string {
  return label
    .replace(/\s*&\s*/g, ' and ')
    .replace(/\s+/g, ' ')
    .trim();
}

function list(labels: { text: string; source: Segment['claim'] }[]): Segment[] {
  const out: Segment[] = [];
  labels.forEach((l, i) => {
    if (i > 0) out.push({ text: i === labels.length - 1 ? ' and ' : ', ', claim: null });
    out.push({ text: l.text, claim: l.source });
  });
  return out;
}

function sentence(segments: Segment[]): ComposedSentence {
  return { segments, words: countWords(segments.map((s) => s.text).join('')) };
}

/** Attribute keys that are bookkeeping, not facts about the product. */
const INTERNAL_KEY = /_|^(?:id|asin|url|image|images)$/i;

/** The composed sentences, in the order they are said. */
export function composedSentences(item: ItemFacts): ComposedSentence[] {
  const title = item.title.trim() || item.brand?.trim() || '';
  if (title === '') return [];
  const titleRef = { source: 'TITLE' as const, ref: item.title.trim() ? 'title' : 'brand' };
  const subject = (first: boolean): Segment => (first ? { text: title, claim: titleRef } : { text: 'It', claim: null });
  const out: ComposedSentence[] = [];
  const titleTerms = new Set((normaliseTerm(title) ?? '').split(' '));
  const brand = item.brand?.trim();
  if (brand && item.title.trim() && !(normaliseTerm(brand) ?? '').split(' ').every((w) => titleTerms.has(w))) {
    out.push(
      sentence([
        subject(true),
        { text: ' is from ', claim: null },
        { text: brand, claim: { source: 'BRAND', ref: 'brand' } },
        { text: '.', claim: null },
      ]),
    );
  }
  // The most specific categories (the last ones), not the shop's root when there is more.
  const cats = item.categories
    .map((c, i) => ({ text: plain(c), source: { source: 'CATEGORY' as const, ref: `categories[${i}]` } }))
    .filter((c, i) => c.text !== '' && (i > 0 || item.categories.length === 1))
    .reverse()
    // "Automotive" beside "Automotive and Motorcycles" says it twice.
    .filter(
      (c, i, all) =>
        !all.some(
          (o, k) => k !== i && o.text.length > c.text.length && o.text.toLowerCase().startsWith(c.text.toLowerCase()),
        ),
    )
    .slice(0, 2);
  if (cats.length > 0) {
    out.push(
      sentence([
        subject(out.length === 0),
        { text: ' is listed under ', claim: null },
        ...list(cats),
        { text: '.', claim: null },
      ]),
    );
  }
  const said = new Set([...cats.map((c) => normaliseTerm(c.text)), normaliseTerm(brand ?? ''), normaliseTerm(title)]);
  const tags = item.tags
    .map((t, i) => ({ text: plain(t), source: { source: 'TAG' as const, ref: `tags[${i}]` } }))
    .filter((t) => t.text !== '' && !said.has(normaliseTerm(t.text)) && isTopicLabel(t.text))
    .slice(0, 3);
  if (tags.length > 0) {
    const opening =
      out.length === 0
        ? [{ text: 'The tags of ', claim: null }, subject(true), { text: ' include ', claim: null }]
        : [{ text: 'Its tags include ', claim: null }];
    out.push(sentence([...opening, ...list(tags), { text: '.', claim: null }]));
  }
  for (const [key, value] of Object.entries(item.attributes ?? {})) {
    if (INTERNAL_KEY.test(key) || typeof value !== 'string' || value.trim() === '' || countWords(value) > 4) continue;
    const opening =
      out.length === 0
        ? [{ text: `The ${key.toLowerCase()} of `, claim: null }, subject(true), { text: ' is ', claim: null }]
        : [{ text: `Its ${key.toLowerCase()} is `, claim: null }];
    out.push(
      sentence([
        ...opening,
        { text: value.trim(), claim: { source: 'ATTRIBUTE', ref: `attributes.${key}` } },
        { text: '.', claim: null },
      ]),
    );
  }
  if (item.price !== null && Number.isFinite(item.price) && item.price > 0) {
    const opening =
      out.length === 0
        ? [{ text: 'The price of ', claim: null }, subject(true), { text: ' is ', claim: null }]
        : [{ text: 'Its price is ', claim: null }];
    out.push(
      sentence([
        ...opening,
        { text: priceText(item.price), claim: { source: 'PRICE', ref: 'price' } },
        { text: '.', claim: null },
      ]),
    );
  }
  if (out.length === 0) out.push(sentence([subject(true), { text: '.', claim: null }]));
  return out;
}

/**
 * The connecting words composed copy uses beside the item's own values (and an attribute's key,
 * "Its size is"); the tests check that no others appear.
 */
export const COMPOSED_CONNECTIVES = 'it is from listed under and its the of tags include price'.split(' ');
