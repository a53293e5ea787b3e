/**
 * Shorter forms of one sentence that are still complete sentences, for fitting copy into a word
 * budget: without its parenthetical asides, cut before a trailing modifier or a second
 * independent clause ("; ...", ", including ...", ", which ...", ", and it ..."), or with a
 * trailing list shortened ("news, features, columns, listings and more" -> "news, features and
 * columns"). A cut is never made inside a clause, and a sentence that opens with a fronted phrase
 * ("From tasty recipes ... to ...,") is not cut at all: its main clause may come after the cut.
 * Every form is pieces of the sentence's own text and connecting pieces (spaces, punctuation,
 * the "and" of a shortened list), so each claim is a piece of the source.
 */
import { countWords } from './segment';

export interface Piece {
  text: string;
  /** True for the sentence's own words (a claim); false for spacing, punctuation and "and". */
  own: boolean;
}

export type VariantKind = 'full' | 'aside' | 'cut' | 'list';

export interface Variant {
  kind: VariantKind;
  pieces: Piece[];
  words: number;
}

/** Boundaries a sentence may be cut at, keeping what comes before: each starts a part that can go. */
const CUTS =
  /;\s|\s[—–]\s|\s--\s|,\s(?=(?:including|such as|with|which|where|featuring|plus|as well as|from|while|whether|so that|so|but|yet|especially|along with|like|whose|all in|all with)\b)|,\sand\s(?=(?:it|we|you|they|he|she|there|its|our|your|their|each|every)\b)/gi;

/** Openings after which the main clause may come later: such a sentence is never cut. */
const FRONTED = new Set(
  (
    'from for in on at with without as if when while whether although though because since after before ' +
    'during until unless to by through throughout among between beyond despite like unlike whatever ' +
    'wherever whenever even once'
  ).split(' '),
);

/** Items of a list to shorten are this short; a longer part between commas is a clause, not an item. */
const MAX_ITEM_WORDS = 5;

type Range = [number, number];

/** Top-level bracketed asides, with the space before them. */
function asides(text: string): Range[] {
  const out: Range[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') {
      if (depth === 0) start = i;
      depth++;
    } else if (text[i] === ')' && depth > 0) {
      depth--;
      if (depth === 0) {
        let from = start;
        while (from > 0 && text[from - 1] === ' ') from--;
        out.push([from, i + 1]);
      }
    }
  }
  return out;
}

/** The parts of `keep` outside the asides. */
function minus(keep: Range, holes: Range[]): Range[] {
  const out: Range[] = [];
  let at = keep[0];
  for (const [a, b] of holes) {
    if (b <= at || a >= keep[1]) continue;
    if (a > at) out.push([at, a]);
    at = Math.max(at, b);
  }
  if (at < keep[1]) out.push([at, keep[1]]);
  return out;
}

/** Pieces from ranges of the text: words are own pieces, what surrounds them connecting ones. */
function piecesOf(text: string, ranges: Range[], joins: (string | undefined)[], end: string): Piece[] {
  const out: Piece[] = [];
  const push = (t: string, own: boolean) => {
    if (t === '') return;
    const last = out[out.length - 1];
    if (last && last.own === own) last.text += t;
    else out.push({ text: t, own });
  };
  ranges.forEach(([a, b], i) => {
    const chunk = text.slice(a, b);
    const lead = /^[\s,;:]*/.exec(chunk)![0];
    const body = chunk.slice(lead.length).replace(/[\s,;:]*$/, '');
    if (body === '') return;
    // What separated two kept ranges becomes the join (a space, or "and"); a comma or semicolon
    // of the sentence that follows a dropped aside stays ("beauty (for teens), including").
    const mark = lead.trim();
    if (out.length > 0) push(mark !== '' && joins[i - 1] === undefined ? `${mark} ` : (joins[i - 1] ?? ' '), false);
    push(body, true);
  });
  push(end, false);
  return out;
}

function variant(kind: VariantKind, pieces: Piece[]): Variant {
  return { kind, pieces, words: countWords(pieces.map((p) => p.text).join('')) };
}

function firstWord(text: string): string {
  return (/^[^\p{L}\p{N}]*([\p{L}\p{N}’']+)/u.exec(text)?.[1] ?? '').toLowerCase();
}

/**
 * A list that ends at `end` and starts after `from`: the ", " separators before its final
 * conjunction, which are at least two, and the conjunction. Items are short and hold no clause
 * punctuation; the first item shares its part with the words that lead into the list.
 */
function trailingList(text: string, from: number, end: number): { seps: number[]; conj: Range } | null {
  const region = text.slice(0, end);
  const conj = /(,?\s(?:and|or|&)\s)(?!.*\s(?:and|or|&)\s)/.exec(region.slice(from));
  if (!conj) return null;
  const conjRange: Range = [from + conj.index, from + conj.index + conj[1].length];
  const last = region.slice(conjRange[1]);
  if (countWords(last) > MAX_ITEM_WORDS || /[;:()]/.test(last)) return null;
  const seps: number[] = [];
  let right = conjRange[0];
  for (;;) {
    const at = region.lastIndexOf(', ', right - 1);
    if (at < from) break;
    const item = region.slice(at + 2, right);
    if (countWords(item) > MAX_ITEM_WORDS || /[;:()]/.test(item)) break;
    seps.unshift(at);
    right = at;
  }
  return seps.length >= 2 ? { seps, conj: conjRange } : null;
}

/** The sentence itself and its shorter complete forms, longest first, each rendered text once. */
export function variants(sentence: string): Variant[] {
  const text = sentence.trim();
  const stop = /[.!?]["”’)]?$/.exec(text);
  const bodyEnd = stop ? stop.index : text.length;
  const endMark = stop
    ? text
        .slice(bodyEnd)
        .replace(/["”’)]/g, '')
        .slice(0, 1) || '.'
    : '.';
  const holes = asides(text);
  const out: Variant[] = [variant('full', [{ text, own: true }])];
  if (holes.length > 0) out.push(variant('aside', piecesOf(text, minus([0, bodyEnd], holes), [], endMark)));
  if (!FRONTED.has(firstWord(text))) {
    const ends: number[] = [];
    for (const m of text.slice(0, bodyEnd).matchAll(CUTS)) {
      if (holes.some(([a, b]) => m.index >= a && m.index < b)) continue;
      if (countWords(text.slice(0, m.index)) >= 4) ends.push(m.index);
    }
    for (const at of ends) out.push(variant('cut', piecesOf(text, minus([0, at], holes), [], endMark)));
    // A list that ends the sentence, after its last boundary (", including health, food..."),
    // shortened to 2 or 3 items. Not a list inside the sentence: there its last item may carry
    // the noun all items modify ("motorcycle, equipment and apparel evaluations; ...").
    const from = ends.length > 0 ? ends[ends.length - 1] + 2 : 0;
    const list = trailingList(text, from, bodyEnd);
    if (list && !holes.some(([a, b]) => a < bodyEnd && b > list.seps[0])) {
      const bounds = [...list.seps, list.conj[0]];
      for (let keep = 1; keep <= Math.min(2, list.seps.length - 1); keep++) {
        const lastItem: Range = [list.seps[keep] + 2, bounds[keep + 1]];
        const ranges = [...minus([0, list.seps[keep]], holes), lastItem];
        const joins = ranges.map((_, i) => (i === ranges.length - 2 ? ' and ' : undefined));
        out.push(variant('list', piecesOf(text, ranges, joins, endMark)));
      }
    }
  }
  const seen = new Set<string>();
  return out
    .filter((v) => {
      const rendered = v.pieces.map((p) => p.text).join('');
      if (seen.has(rendered) || v.words < 4) return false;
      seen.add(rendered);
      return true;
    })
    .sort((a, b) => b.words - a.words);
}
