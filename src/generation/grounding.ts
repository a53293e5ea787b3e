/**
 * The grounding checks, one normalisation for all: a claim is found in its source field when its
 * folded words (lower case, accents off, "&" as "and", singular) occur in a row in the field's;
 * a text states a number, brand or category of the catalogue only if the item's own fields have
 * it. Used by the tests, the evaluation and training's sanity checks; serving needs none, since
 * copy is made of the fields themselves.
 */
import { normaliseTerm, words } from '../personalisation/tokenise';
import type { Claim, ItemFacts } from './facts';
import { fieldText, priceText } from './facts';

function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return true;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

/** Whether the claim's words are, in a row, words of the field its ref names. */
export function claimFound(item: ItemFacts, claim: Claim): boolean {
  const field = fieldText(item, claim.ref);
  if (field === null) return false;
  return containsRun(words(field), words(claim.text));
}

/** Words of the text that no claim covers, in order (connecting words, for the tests to check). */
export function uncoveredWords(text: string, claims: readonly Claim[]): string[] {
  const all = words(text);
  const out: string[] = [];
  let at = 0;
  for (const c of claims) {
    const cw = words(c.text);
    let found = -1;
    for (let i = at; i + cw.length <= all.length && found < 0; i++)
      if (containsRun(all.slice(i, i + cw.length), cw)) found = i;
    if (found < 0) return [...out, ...all.slice(at)];
    out.push(...all.slice(at, found));
    at = found + cw.length;
  }
  return [...out, ...all.slice(at)];
}

/** Every brand and category of a catalogue, as terms: the values a text may name only if the item has them. */
export function catalogueLexicon(items: Iterable<ItemFacts>): Set<string> {
  const out = new Set<string>();
  for (const item of items) {
    for (const label of [...item.categories, item.brand ?? '']) {
      const term = normaliseTerm(label);
      if (term !== null && term.split(' ').length <= 6) out.add(term);
    }
  }
  return out;
}

const NUMBER = /\d+(?:[.,]\d+)*/g;

/**
 * Numbers, brands and categories the text states that are not the item's own: a number not in
 * any of its fields, a catalogue brand or category (from `lexicon`) whose words do not occur in
 * its fields. Empty for a grounded text.
 */
export function foreignValues(text: string, item: ItemFacts, lexicon: ReadonlySet<string>): string[] {
  const own = [
    item.title,
    item.description ?? '',
    item.brand ?? '',
    ...item.categories,
    ...item.tags,
    item.price === null ? '' : priceText(item.price),
  ];
  for (const v of Object.values(item.attributes ?? {}))
    if (typeof v === 'string' || typeof v === 'number') own.push(String(v));
  const ownText = own.join(' \n ');
  const ownNumbers = new Set(ownText.match(NUMBER) ?? []);
  const ownWords = words(ownText);
  const out: string[] = [];
  for (const n of text.match(NUMBER) ?? []) if (!ownNumbers.has(n)) out.push(n);
  const tw = words(text);
  for (let i = 0; i < tw.length; i++) {
    for (let len = Math.min(6, tw.length - i); len >= 1; len--) {
      const run = tw.slice(i, i + len);
      const term = run.join(' ');
      if (!lexicon.has(term)) continue;
      if (!containsRun(ownWords, run)) out.push(term);
      i += len - 1;
      break;
    }
  }
  return out;
}
