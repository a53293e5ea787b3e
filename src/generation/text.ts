/** Words and punctuation in and out of the models: cleaning, tokenising, and rendering clean sentences. */
import { foldText, singularise } from '../personalisation/tokenise';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '-', ndash: '-', rsquo: "'", lsquo: "'", rdquo: '"', ldquo: '"', hellip: '...' };

/** Strips HTML tags and decodes the common entities (a minimal cleaner for the raw dataset). */
export function cleanText(raw: string): string {
  return raw
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&([a-z]+);/gi, (m, name: string) => ENTITIES[name.toLowerCase()] ?? m)
    .replace(/\s+/g, ' ')
    .trim();
}

/** One token of running text: `surface` as written, `fold` the normalised word it matches terms by. */
export interface Token {
  readonly surface: string;
  readonly fold: string;
  readonly isWord: boolean;
}

const TOKEN = /[A-Za-z0-9\u00C0-\u024F]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*|[.,;:!?()&$%-]/g;

/**
 * Tokens by surface, remembered (and shared: tokens are read-only): folding a word (accents,
 * plural rules) costs far more than a lookup, and generated texts and the items they describe
 * reuse a small vocabulary.
 */
const tokenOf = new Map<string, Token>();
const MAX_REMEMBERED = 50_000;

function wordToken(surface: string): Token {
  const isWord = /[A-Za-z0-9\u00C0-\u024F]/.test(surface);
  const folded = surface === '&' ? 'and' : foldText(surface).replace(/ /g, '');
  return { surface, fold: isWord ? singularise(folded) : surface === '&' ? 'and' : surface, isWord: isWord || surface === '&' };
}

/** Words (with their folded, singular form) and the punctuation marks the generator writes. */
export function tokenise(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const surface = m[0];
    let token = tokenOf.get(surface);
    if (token === undefined) {
      if (tokenOf.size >= MAX_REMEMBERED) tokenOf.clear();
      tokenOf.set(surface, (token = wordToken(surface)));
    }
    out.push(token);
  }
  return out;
}

export function isNumber(surface: string): boolean {
  return /^\d+(?:[.,]\d+)*$/.test(surface);
}

const NO_SPACE_BEFORE = new Set(['.', ',', ';', ':', '!', '?', ')', '%']);
const NO_SPACE_AFTER = new Set(['(', '$']);
const SENTENCE_END = new Set(['.', '!', '?']);

/**
 * Joins rendered tokens into text a shop can show: no space before punctuation, each sentence
 * capitalised, stray punctuation dropped, one full stop at the end.
 */
export function renderTokens(pieces: string[]): string {
  const cleaned: string[] = [];
  for (const p of pieces) {
    if (p === '') continue;
    const prev = cleaned[cleaned.length - 1];
    const isPunct = NO_SPACE_BEFORE.has(p) || p === '-';
    if (isPunct && (prev === undefined || NO_SPACE_BEFORE.has(prev) || prev === '-' || prev === '(')) continue;
    // A sentence cannot open with a bare symbol ("& more") or a bracket: only a word, a number,
    // a quote or a price may start one (a dropped "(" takes its ")" with it, below).
    if ((prev === undefined || SENTENCE_END.has(prev)) && !/[\p{L}\p{N}"'$]/u.test(p)) continue;
    cleaned.push(p);
  }
  const dangling = (p: string) => (NO_SPACE_BEFORE.has(p) && p !== ')' && !SENTENCE_END.has(p)) || p === '-' || p === '(';
  while (cleaned.length > 0 && dangling(cleaned[cleaned.length - 1])) {
    cleaned.pop();
  }
  // Balance parentheses: an unclosed "(" or a stray ")" would read as broken copy.
  let depth = 0;
  const balanced: string[] = [];
  for (const p of cleaned) {
    if (p === '(') depth++;
    if (p === ')') {
      if (depth === 0) continue;
      depth--;
    }
    balanced.push(p);
  }
  for (let i = balanced.length - 1; depth > 0 && i >= 0; i--) {
    if (balanced[i] === '(') {
      balanced.splice(i, 1);
      depth--;
    }
  }
  let text = '';
  let capitalise = true;
  for (let i = 0; i < balanced.length; i++) {
    let p = balanced[i];
    // The sentence's first word or number: "$5 an issue", not "$5 An issue".
    if (capitalise && /[\p{L}\p{N}]/u.test(p)) {
      p = p.charAt(0).toUpperCase() + p.slice(1);
      capitalise = false;
    }
    const prev = balanced[i - 1];
    const space = i > 0 && !NO_SPACE_BEFORE.has(p) && !(prev !== undefined && NO_SPACE_AFTER.has(prev)) && !(p === '-' || prev === '-');
    text += (space ? ' ' : '') + p;
    if (SENTENCE_END.has(p)) capitalise = true;
  }
  text = text.trim();
  if (text !== '' && !SENTENCE_END.has(text.charAt(text.length - 1))) text += '.';
  return text;
}

/** Lower-case words of a text for the n-gram metrics (BLEU, ROUGE, distinct, copy rate). */
export function metricWords(text: string): string[] {
  return tokenise(text)
    .filter((t) => t.isWord)
    .map((t) => t.surface.toLowerCase());
}

/** Whether any three consecutive words (as written, case-folded) occur twice in a text. */
export function hasRepeatedTrigram(text: string): boolean {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const seen = new Set<string>();
  for (let i = 0; i + 3 <= words.length; i++) {
    const gram = `${words[i]} ${words[i + 1]} ${words[i + 2]}`;
    if (seen.has(gram)) return true;
    seen.add(gram);
  }
  return false;
}
