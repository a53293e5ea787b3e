/**
 * The lead: words that connect the reader's interests to the item ("For fans of fly fishing,
 * ..."), from a phrase inventory (a few built-in forms that are grammatical for any noun-phrase
 * label, and forms mined from the shop's own copy at training time), filled only with this
 * item's own labels. A form is either fronted (it opens the first sentence, which must start with
 * its subject) or a sentence of its own ("This is for anyone interested in X.").
 */
import { countWords, Sentence } from './segment';
import { normaliseTerm, words } from '../personalisation/tokenise';
import { isPluralTopicInCopy, isSingularNoun, isTopicLabel, namesIn, standsWithoutArticle } from './grammar';
import { ItemFacts, Label, labelOf, Segment } from './facts';

export interface LeadForm {
  /** Words before the labels, e.g. "For fans of" or "This is for anyone interested in". */
  words: string;
  /** Words after the label ("For {bird} fans"): such a form takes one singular noun as a modifier. */
  after?: string;
  kind: 'fronted' | 'standalone';
  /**
   * A standalone lead's subject, always "This": a title as the subject ("Interweave Crochet is
   * for...") reads as a verb wherever the title starts with one, and leads must parse whatever
   * the item is called.
   */
  subject?: 'this';
  origin: 'builtin' | 'mined';
  /** How many distinct items of the shop's copy used the form (0 for the built-in ones). */
  uses: number;
  /** A mined form's audience word ("readers"): the form is used only for an item whose own copy addresses it. */
  audience?: string;
}

/** Whether an item's own copy addresses the audience the way the shop's copy does ("for readers", "readers who"). */
export function addresses(sentences: readonly Sentence[], audience: string): boolean {
  const text = sentences
    .map((s) => s.text)
    .join(' ')
    .toLowerCase();
  return new RegExp(
    `\\b(?:for|to) (?:the |all |our |its |serious |active |avid )?${audience}\\b|\\b${audience} who\\b`,
  ).test(text);
}

/** Grammatical for any noun-phrase label, in any domain: the inventory a shop starts with. */
export const BUILTIN_FORMS: LeadForm[] = [
  { words: 'For fans of', kind: 'fronted', origin: 'builtin', uses: 0 },
  { words: 'For anyone interested in', kind: 'fronted', origin: 'builtin', uses: 0 },
  { words: 'For', after: 'fans', kind: 'fronted', origin: 'builtin', uses: 0 },
  { words: 'This is for anyone interested in', kind: 'standalone', subject: 'this', origin: 'builtin', uses: 0 },
  { words: 'This is for', after: 'fans', kind: 'standalone', subject: 'this', origin: 'builtin', uses: 0 },
];

/** Whether a form takes these labels: a noun-modifier form one singular noun, the others bare noun phrases. */
export function formTakes(form: LeadForm, labels: readonly Label[]): boolean {
  if (form.after !== undefined) return labels.length === 1 && labels[0].bare === false;
  return labels.every((l) => l.bare !== false);
}

/** At most this many labels in one lead ("For fans of fly fishing and Montana"). */
export const MAX_LEAD_LABELS = 2;

/** Small words a title-case label keeps in lower case. */
const MINOR = new Set('and or of the a an in on for to with at by & from'.split(' '));

/** Words that make a label a company's name: no reader is "interested in" a publisher's legal name. */
const COMPANY =
  /\b(?:inc|llc|ltd|co|corp|corporation|company|publishing|publishers?|publications?|media|press|group|enterprises|holdings)\b\.?/i;

/** The copy as tokens: the word as written, its folded words, and whether it opens a sentence. */
interface CopyToken {
  text: string;
  folds: string[];
  initial: boolean;
  /** The sentence it stands in. */
  sentence: string;
}

function copyTokens(sentences: readonly Sentence[]): CopyToken[] {
  return sentences.flatMap((s) =>
    s.text
      .split(/\s+/)
      .map((raw, i) => ({
        text: raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''),
        initial: i === 0,
        sentence: s.text,
      }))
      .filter((t) => t.text !== '')
      .map((t) => ({ ...t, folds: words(t.text) })),
  );
}

const capitalised = (t: CopyToken | undefined) => t !== undefined && /^\p{Lu}/u.test(t.text);
/** Small words inside a name ("Field & Stream", "Home of the Year"). */
const NAME_GLUE = new Set(['&', 'of', 'and', 'the']);

/**
 * Where the label's words stand in the copy as whole tokens in a row, each marked when it is a
 * piece of a longer name (a capitalised word right before or after it, across "&" or "of").
 */
function occurrences(tokens: CopyToken[], labelWords: string[]): { run: CopyToken[]; fragment: boolean }[] {
  const out: { run: CopyToken[]; fragment: boolean }[] = [];
  for (let i = 0; i + labelWords.length <= tokens.length; i++) {
    let ok = true;
    for (let k = 0; k < labelWords.length && ok; k++)
      ok = tokens[i + k].folds.length === 1 && tokens[i + k].folds[0] === labelWords[k];
    if (!ok) continue;
    const run = tokens.slice(i, i + labelWords.length);
    const glued = (t: CopyToken | undefined) => t !== undefined && NAME_GLUE.has(t.text.toLowerCase());
    const before = glued(tokens[i - 1]) ? tokens[i - 2] : tokens[i - 1];
    const afterAt = i + labelWords.length;
    const after = glued(tokens[afterAt]) ? tokens[afterAt + 1] : tokens[afterAt];
    const named = capitalised(run[0]);
    const joinsBefore = !run[0].initial && capitalised(before);
    const joinsAfter = after !== undefined && !after.initial && capitalised(after);
    out.push({ run, fragment: named && (joinsBefore || joinsAfter) });
  }
  return out;
}

const withoutPossessive = (w: string) => w.replace(/['’]s$/i, '');

/**
 * A label as a lead shows it: "&" as "and" (the parser's English and the reader's), written as
 * the item's own copy writes it mid-sentence ("funds" for the tag "fund"), else a title-case
 * category in lower case but for names and acronyms. Null when it is no topic one can be a fan
 * of: not a noun phrase, a piece of a longer name in the copy ("Jones" of "Mother Jones"), a word
 * only seen inside a hyphenated one, a company's name, or a brand the copy never names.
 */
export function leadLabel(label: Label, item: ItemFacts, sentences: readonly Sentence[]): Label | null {
  const plain = label.text
    .replace(/\s*&\s*/g, ' and ')
    .replace(/\s+/g, ' ')
    .trim();
  // A comma makes a label a list ("Travel, City & Regional"): a shop's section, not an interest.
  if (plain === '' || plain.includes(',') || countWords(plain) > 5 || COMPANY.test(plain)) return null;
  const isBrand =
    label.source === 'BRAND' || (item.brand !== null && normaliseTerm(item.brand) === normaliseTerm(label.text));
  const labelWords = words(plain);
  if (labelWords.join(' ') === words(item.title).join(' ')) return null;
  const tokens = copyTokens(sentences);
  const all = occurrences(tokens, labelWords);
  const found = all.filter((o) => !o.fragment).map((o) => o.run);
  // Only ever part of a longer name ("Jones" of "Mother Jones", "Stream" of "Field & Stream").
  if (all.length > 0 && found.length === 0) return null;
  const inTitle = words(item.title).join(' ').includes(labelWords.join(' '));
  if (isBrand && found.length === 0 && !inTitle) return null;
  let shown = plain;
  const mid = found.find((run) => !run[0].initial);
  if (mid) shown = mid.map((t, i) => (i === mid.length - 1 ? withoutPossessive(t.text) : t.text)).join(' ');
  else if (
    found.length === 0 &&
    labelWords.length === 1 &&
    tokens.some((t) => t.folds.includes(labelWords[0]) && t.folds.length > 1)
  )
    return null;
  else if (!isBrand) {
    const named = namesIn(plain);
    shown = plain
      .split(' ')
      .map((w, i) => {
        const lower = w.toLowerCase();
        if (i > 0 && MINOR.has(lower)) return lower;
        if (/^\p{Lu}{2,}$/u.test(w)) return w;
        return named[i] ? w.charAt(0).toUpperCase() + w.slice(1) : lower;
      })
      .join(' ');
  }
  if (!isTopicLabel(shown) && !(mid !== undefined && isPluralTopicInCopy(shown, mid[0].sentence))) return null;
  if (isBrand || standsWithoutArticle(shown)) return { ...label, text: shown, bare: true };
  // A singular count noun serves only as a modifier ("For crochet fans"): short, no "and" in it,
  // and a category of the shop or a word of the title. A tag picked from the copy ("spree",
  // "sale") makes "For spree fans", grammatical and meaningless.
  const named = label.source === 'CATEGORY' || inTitle;
  return named && countWords(shown) <= 2 && !/ and /.test(shown) && isSingularNoun(shown)
    ? { ...label, text: shown, bare: false }
    : null;
}

/** Labels by item content and focus: a request tries several arrangements, a popular item many readers. */
const labelCache = new WeakMap<readonly Sentence[], Map<string, Label[]>>();

/** The item's lead labels for the focus terms, strongest first, at most MAX_LEAD_LABELS. */
export function leadLabels(item: ItemFacts, focus: readonly string[], sentences: readonly Sentence[]): Label[] {
  let byFocus = labelCache.get(sentences);
  if (!byFocus) labelCache.set(sentences, (byFocus = new Map<string, Label[]>()));
  const key = `${item.id}\u0000${item.title}\u0000${focus.join('|')}`;
  let labels = byFocus.get(key);
  if (!labels) byFocus.set(key, (labels = findLeadLabels(item, focus, sentences)));
  return labels;
}

function findLeadLabels(item: ItemFacts, focus: readonly string[], sentences: readonly Sentence[]): Label[] {
  const out: Label[] = [];
  const seen = new Set<string>();
  for (const term of focus) {
    const label = labelOf(item, term);
    // The most general category (the shop's root, "Magazine Subscriptions") says nothing of one item.
    if (!label || label.ref === 'categories[0]') continue;
    const shown = leadLabel(label, item, sentences);
    if (!shown || seen.has(shown.text.toLowerCase())) continue;
    // "For fans of award and fashion and style": two labels only when neither has its own "and".
    if (out.length > 0 && (/ and /.test(`${out[0].text} ${shown.text}`) || shown.bare !== out[0].bare)) continue;
    seen.add(shown.text.toLowerCase());
    out.push(shown);
    if (out.length === MAX_LEAD_LABELS) break;
  }
  return out;
}

function labelSegments(labels: readonly Label[]): Segment[] {
  const out: Segment[] = [];
  labels.forEach((l, i) => {
    if (i > 0) out.push({ text: i === labels.length - 1 ? ' and ' : ', ', claim: null });
    out.push({ text: l.text, claim: { source: l.source, ref: l.ref } });
  });
  return out;
}

/** The segments of a lead: a fronted one ends in ", " before the sentence it opens. */
export function leadSegments(form: LeadForm, labels: readonly Label[]): Segment[] {
  const after = form.after === undefined ? '' : ` ${form.after}`;
  const end = form.kind === 'fronted' ? ', ' : '. ';
  return [{ text: `${form.words} `, claim: null }, ...labelSegments(labels), { text: `${after}${end}`, claim: null }];
}

/** Words a lead adds to the text. */
export function leadWords(form: LeadForm, labels: readonly Label[]): number {
  return countWords(
    leadSegments(form, labels)
      .map((s) => s.text)
      .join(''),
  );
}
