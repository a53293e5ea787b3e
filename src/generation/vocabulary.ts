/**
 * The generator's vocabulary and the examples it learns from: conditioning tokens (which slots
 * the item has, which to lead with, its category words), then the delexicalised description.
 */
import { contentWords, normaliseTerm } from '../personalisation/tokenise';
import { allSlotValues, delexicalise, isSlot, SLOT_TOKENS, SlotItem, SlotValue } from './slots';
import { tokenise } from './text';

export const PAD = '<pad>';
export const UNK = '<unk>';
export const BOS = '<bos>';
export const SEP = '<sep>';
export const EOS = '<eos>';
const SPECIALS = [PAD, UNK, BOS, SEP, EOS];
/** At most this many focus slots condition one text. */
export const MAX_FOCUS = 3;

export interface VocabularyJSON {
  tokens: string[];
  /** Most frequent written form of each lower-case word ("york" -> "York"). */
  truecase: Record<string, string>;
  /** Every brand and category of the training catalogue, normalised (see slots.buildLexicon). */
  lexicon: string[];
}

export class Vocabulary {
  readonly index = new Map<string, number>();
  readonly lexiconSet: ReadonlySet<string>;
  /** Token ids the generator may write (words, punctuation, slots, end). */
  readonly outputIds: Int32Array;

  constructor(readonly json: VocabularyJSON) {
    json.tokens.forEach((t, i) => this.index.set(t, i));
    this.lexiconSet = new Set(json.lexicon);
    this.outputIds = Int32Array.from(
      json.tokens.map((t, i) => (isOutputToken(t) ? i : -1)).filter((i) => i >= 0),
    );
  }

  get size(): number {
    return this.json.tokens.length;
  }

  id(token: string): number {
    return this.index.get(token) ?? this.index.get(UNK)!;
  }

  token(id: number): string {
    return this.json.tokens[id] ?? UNK;
  }

  /** Written form of an output word. */
  surface(token: string): string {
    return this.json.truecase[token] ?? token;
  }
}

function isOutputToken(t: string): boolean {
  if (t === EOS) return true;
  if (SPECIALS.includes(t)) return false;
  return !t.startsWith('has:') && !t.startsWith('f:') && !t.startsWith('c:');
}

/** A training or decoding example before it becomes ids. */
export interface Example {
  item: SlotItem;
  values: SlotValue[];
  condition: string[];
  target: string[];
  /** Normalised terms the text should lead with. */
  focus: string[];
}

/** The slot carrying a normalised focus term, if the item has one. */
export function focusSlot(values: SlotValue[], term: string): string | undefined {
  return values.find((v) => v.term === term && !v.slot.startsWith('<num') && v.slot !== '<title>')?.slot;
}

/** Words of the item's most specific categories: the topic the text is about. */
export function topicWords(item: SlotItem, max = 4): string[] {
  const words: string[] = [];
  for (const c of [...item.categories].reverse().slice(0, 2)) {
    for (const w of contentWords(c)) if (!words.includes(w) && w !== 'magazine' && w !== 'subscription') words.push(w);
  }
  return words.slice(0, max);
}

export function conditionTokens(item: SlotItem, values: SlotValue[], focus: string[]): string[] {
  const cond = [BOS, ...topicWords(item).map((w) => `c:${w}`)];
  for (const v of values) cond.push(`has:${v.slot}`);
  for (const term of focus.slice(0, MAX_FOCUS)) {
    const slot = focusSlot(values, term);
    if (slot) cond.push(`f:${slot}`);
  }
  cond.push(SEP);
  return cond;
}

/**
 * A description cut to whole sentences within `maxTokens` (the first sentence is cut hard when
 * it alone is longer), so the model learns to finish what it starts.
 */
export function truncateSentences(tokens: string[], maxTokens: number): string[] {
  if (tokens.length <= maxTokens) return tokens;
  let cut = -1;
  for (let i = 0; i < maxTokens; i++) if (tokens[i] === '.' || tokens[i] === '!' || tokens[i] === '?') cut = i;
  return cut >= 5 ? tokens.slice(0, cut + 1) : tokens.slice(0, maxTokens);
}

/**
 * The training example of one item: its real description delexicalised; the focus is what the
 * description itself leads with (the first item terms it names), which teaches the model to
 * open with the focus it is given.
 */
export function trainingExample(item: SlotItem, maxTokens: number): Example | null {
  if (!item.description) return null;
  const values = allSlotValues(item);
  const target = truncateSentences(delexicalise(tokenise(item.description), values), maxTokens);
  if (target.filter((t) => !isSlot(t) && /[a-z]/.test(t)).length < 5) return null;
  const focus: string[] = [];
  for (const t of target) {
    if (!isSlot(t) || t === '<title>' || t.startsWith('<num')) continue;
    const term = values.find((v) => v.slot === t)?.term;
    if (term && !focus.includes(term)) focus.push(term);
    if (focus.length === 2) break;
  }
  return { item, values, condition: conditionTokens(item, values, focus), target, focus };
}

/** An example to decode: the item and what the reader cares about, no target. */
export function decodingExample(item: SlotItem, focus: string[]): Example {
  const values = allSlotValues(item);
  // Focus terms arrive normalised (the engine's terms). Normalising is not idempotent for every
  // label ("Women's Interest" -> "women interest" -> "woman interest"), so an item's own term is
  // kept as it is; anything else (a raw label) is normalised.
  const own = new Set(values.map((v) => v.term));
  const normalised = focus.map((f) => (own.has(f) ? f : (normaliseTerm(f) ?? f)));
  return { item, values, condition: conditionTokens(item, values, normalised), target: [], focus: normalised };
}

/** Builds the vocabulary from training examples: the `maxWords` most frequent words (seen at least twice). */
export function buildVocabulary(examples: Example[], items: SlotItem[], lexicon: string[], maxWords: number): Vocabulary {
  const counts = new Map<string, number>();
  const condCounts = new Map<string, number>();
  for (const ex of examples) {
    for (const t of ex.target) if (!isSlot(t) && t !== UNK) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const t of ex.condition) if (t.startsWith('c:')) condCounts.set(t, (condCounts.get(t) ?? 0) + 1);
  }
  const words = [...counts.entries()]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxWords)
    .map(([w]) => w);
  const topics = [...condCounts.keys()].sort();
  const conds = SLOT_TOKENS.flatMap((s) => [`has:${s}`, `f:${s}`]);
  const tokens = [...SPECIALS, ...SLOT_TOKENS, ...conds, ...topics, ...words];
  // Truecasing from the raw descriptions: the most frequent written form of each word.
  const forms = new Map<string, Map<string, number>>();
  const wordSet = new Set(words);
  for (const item of items) {
    for (const t of tokenise(item.description ?? '')) {
      const lower = t.surface.toLowerCase();
      if (!t.isWord || !wordSet.has(lower)) continue;
      const m = forms.get(lower) ?? new Map<string, number>();
      m.set(t.surface, (m.get(t.surface) ?? 0) + 1);
      forms.set(lower, m);
    }
  }
  const truecase: Record<string, string> = {};
  for (const [lower, m] of forms) {
    // All-capital forms are usually a title shouted at the start of a description: keep lower case.
    const best = [...m.entries()].filter(([s]) => s !== s.toUpperCase() || s.length === 1).sort((a, b) => b[1] - a[1])[0];
    if (best && best[0] !== lower && best[1] >= (m.get(lower) ?? 0)) truecase[lower] = best[0];
  }
  return new Vocabulary({ tokens, truecase, lexicon });
}
