/**
 * Delexicalisation: the item's own values (title, brand, categories, tags, numbers) become slot
 * tokens in the training text, and decoding fills slots only from the item's own data, so every
 * attribute a generated text states is the item's. Also the grounding check itself.
 */
import type { ItemInput } from '../db/repositories/items';
import { normaliseTerm } from '../personalisation/tokenise';
import { isNumber, Token, tokenise } from './text';

export const MAX_CATEGORIES = 6;
export const MAX_TAGS = 8;
export const MAX_NUMBERS = 4;

/** The fields of an item the generator reads (a subset of the catalogue row). */
export type SlotItem = Pick<ItemInput, 'id' | 'title' | 'description' | 'brand' | 'categories' | 'tags'>;

export interface SlotValue {
  /** The slot token, e.g. `<brand>`, `<cat2>`, `<tag0>`, `<num1>`. */
  slot: string;
  /** What the text shows: the item's own label as written. */
  surface: string;
  /** Normalised term (tokenise.ts) or the number as written. */
  term: string;
}

export const SLOT_TOKENS: string[] = [
  '<title>',
  '<brand>',
  ...Array.from({ length: MAX_CATEGORIES }, (_, i) => `<cat${i}>`),
  ...Array.from({ length: MAX_TAGS }, (_, i) => `<tag${i}>`),
  ...Array.from({ length: MAX_NUMBERS }, (_, i) => `<num${i}>`),
];

export function isSlot(token: string): boolean {
  return token.length > 2 && token.startsWith('<') && token.endsWith('>') && SLOT_TOKENS.includes(token);
}

/** Categories that say nothing about one magazine (every item of the shop has them). */
const GENERIC_TERMS = new Set(['magazine subscription']);

/** The item's slot values other than numbers, in slot order. */
export function itemSlots(item: SlotItem): SlotValue[] {
  const out: SlotValue[] = [];
  const seen = new Set<string>();
  const add = (slot: string, surface: string | null | undefined) => {
    if (!surface) return;
    const term = normaliseTerm(surface);
    if (term === null || seen.has(`${slot}|${term}`)) return;
    seen.add(`${slot}|${term}`);
    out.push({ slot, surface: surface.trim(), term });
  };
  add('<title>', item.title);
  add('<brand>', item.brand);
  // Most specific categories first: they are the ones worth saying.
  const cats = [...item.categories].reverse().filter((c) => !GENERIC_TERMS.has(normaliseTerm(c) ?? ''));
  const usedTerms = new Set<string>();
  cats.slice(0, MAX_CATEGORIES).forEach((c, i) => {
    add(`<cat${i}>`, c);
    usedTerms.add(normaliseTerm(c) ?? '');
  });
  if (item.brand) usedTerms.add(normaliseTerm(item.brand) ?? '');
  item.tags
    .filter((t) => !usedTerms.has(normaliseTerm(t) ?? ''))
    .slice(0, MAX_TAGS)
    .forEach((t, i) => add(`<tag${i}>`, t));
  return out;
}

/** Numbers of the item's own description: the only numbers a generated text may state. */
export function itemNumbers(item: SlotItem): string[] {
  if (!item.description) return [];
  const seen: string[] = [];
  for (const t of tokenise(item.description)) {
    if (isNumber(t.surface) && !seen.includes(t.surface)) seen.push(t.surface);
  }
  return seen.slice(0, MAX_NUMBERS);
}

/** Every slot value the item can fill, numbers included. */
export function allSlotValues(item: SlotItem): SlotValue[] {
  return [...itemSlots(item), ...itemNumbers(item).map((n, i) => ({ slot: `<num${i}>`, surface: n, term: n }))];
}

/**
 * Replaces the item's own values in a token stream by their slots: longest match first on the
 * folded word forms, so "Science Fiction" beats "Science". Returns the token strings the model
 * sees (lower-case words, punctuation, slots).
 */
export function delexicalise(tokens: Token[], values: SlotValue[]): string[] {
  const patterns = values
    .filter((v) => !v.slot.startsWith('<num'))
    .map((v) => ({ slot: v.slot, words: v.term.split(' ') }))
    .sort((a, b) => b.words.length - a.words.length);
  const numbers = new Map(values.filter((v) => v.slot.startsWith('<num')).map((v) => [v.term, v.slot]));
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (isNumber(t.surface)) {
      out.push(numbers.get(t.surface) ?? '<unk>');
      i++;
      continue;
    }
    let matched = false;
    if (t.isWord) {
      for (const p of patterns) {
        if (i + p.words.length > tokens.length) continue;
        let ok = true;
        for (let k = 0; k < p.words.length && ok; k++) ok = tokens[i + k].isWord && tokens[i + k].fold === p.words[k];
        if (ok) {
          out.push(p.slot);
          i += p.words.length;
          matched = true;
          break;
        }
      }
    }
    if (!matched) {
      out.push(t.isWord ? t.surface.toLowerCase() : t.surface);
      i++;
    }
  }
  return out;
}

/**
 * The catalogue's nameable attribute values: every brand and category as a normalised term.
 * A generated text may name only those the item itself has.
 */
export function buildLexicon(items: Iterable<SlotItem>): string[] {
  const terms = new Set<string>();
  for (const item of items) {
    for (const label of [...item.categories, item.brand ?? '']) {
      const term = normaliseTerm(label);
      if (term !== null && !GENERIC_TERMS.has(term)) terms.add(term);
    }
  }
  return [...terms].sort();
}

/** The item's own nameable terms: brand, categories, tags, title. */
export function ownTerms(item: SlotItem): Set<string> {
  const own = new Set<string>(GENERIC_TERMS);
  for (const label of [...item.categories, ...item.tags, item.brand ?? '', item.title]) {
    const term = normaliseTerm(label);
    if (term !== null) own.add(term);
  }
  return own;
}

export interface StatedValue {
  value: string;
  own: boolean;
}

/**
 * The attribute values a text states: each catalogue brand or category it names (longest
 * match first; a mention inside one of the item's own longer terms is the item's) and each
 * number. `own` says whether the item has it.
 */
export function statedValues(text: string, item: SlotItem, lexicon: ReadonlySet<string>, maxWords = 8): StatedValue[] {
  const tokens = tokenise(text);
  const own = ownTerms(item);
  const numbers = new Set<string>(itemNumbers(item));
  // Numbers inside the item's own labels ("Ages 9-12") and text are the item's too.
  const ownText = [item.title, item.brand ?? '', item.description ?? '', ...item.categories, ...item.tags].join(' ; ');
  for (const t of tokenise(ownText)) if (isNumber(t.surface)) numbers.add(t.surface);
  // The item's own labels as written ("Arts, Music & Photography") are one mention each.
  const covered = new Uint8Array(tokens.length);
  const out: StatedValue[] = [];
  for (const label of [...item.categories, ...item.tags, item.brand ?? '', item.title]) {
    const lt = tokenise(label).map((x) => x.fold);
    if (lt.length < 2) continue;
    for (let i = 0; i + lt.length <= tokens.length; i++) {
      if (covered[i]) continue;
      let ok = true;
      for (let k = 0; k < lt.length && ok; k++) ok = tokens[i + k].fold === lt[k];
      if (!ok) continue;
      const term = normaliseTerm(label);
      if (term !== null && lexicon.has(term)) out.push({ value: term, own: true });
      covered.fill(1, i, i + lt.length);
    }
  }
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (covered[i]) {
      i++;
      continue;
    }
    if (isNumber(t.surface)) {
      out.push({ value: t.surface, own: numbers.has(t.surface) });
      i++;
      continue;
    }
    let step = 1;
    if (t.isWord) {
      for (let len = Math.min(maxWords, tokens.length - i); len >= 1; len--) {
        const span = tokens.slice(i, i + len);
        if (!span.every((s, k) => s.isWord && !covered[i + k])) continue;
        const term = span.map((s) => s.fold).join(' ');
        if (own.has(term)) {
          if (lexicon.has(term)) out.push({ value: term, own: true });
          step = len;
          break;
        }
        if (lexicon.has(term)) {
          out.push({ value: term, own: false });
          step = len;
          break;
        }
      }
    }
    i += step;
  }
  return out;
}

/** The catalogue values a text names that the item lacks (empty for a grounded text). */
export function foreignValues(text: string, item: SlotItem, lexicon: ReadonlySet<string>): string[] {
  return statedValues(text, item, lexicon)
    .filter((v) => !v.own)
    .map((v) => v.value);
}

/** Whether a text mentions a normalised term (all its words, in order). */
export function mentions(text: string, term: string): boolean {
  const folds = tokenise(text)
    .filter((t) => t.isWord)
    .map((t) => t.fold);
  const words = term.split(' ');
  outer: for (let i = 0; i + words.length <= folds.length; i++) {
    for (let k = 0; k < words.length; k++) if (folds[i + k] !== words[k]) continue outer;
    return true;
  }
  return false;
}
