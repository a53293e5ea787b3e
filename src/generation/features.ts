/**
 * What the two networks see. The policy sees one vector per candidate action (a sentence form to
 * place next, a lead, or stopping), built from where the sentence stands, what it says about the
 * reader's focus terms and what placing it would do to the text. The discriminator sees only the
 * finished text, as a reader does: sentence openings, lengths, how each sentence follows the one
 * before, the lead. The untrained policy is the fixed linear scoring DEFAULT_POLICY.
 */
import { isStopword, words } from '../personalisation/tokenise';

/** Policy features, by position in the vector. */
export const P = {
  bias: 0,
  stepFirst: 1,
  stepLead: 2,
  stepNext: 3,
  stop: 4,
  focus: 5,
  focusAny: 6,
  focusFirst: 7,
  position: 8,
  originalFirst: 9,
  follows: 10,
  lowestUnplaced: 11,
  goesBack: 12,
  anaphoric: 13,
  full: 14,
  aside: 15,
  cut: 16,
  list: 17,
  wordsShare: 18,
  fillAfter: 19,
  dropped: 20,
  title: 21,
  exclamation: 22,
  short: 23,
  overlap: 24,
  leadNone: 25,
  leadFronted: 26,
  leadStandalone: 27,
  leadMined: 28,
  leadUses: 29,
  leadLabels: 30,
  firstHasFocus: 31,
  leadCategory: 32,
  leadBrand: 33,
  fillSoFar: 34,
  complete: 35,
  leadThis: 36,
} as const;

export const POLICY_INPUTS = 37;

/**
 * The untrained policy: lead with the sentence that names the reader's focus terms (the earlier
 * one on a tie), open with a lead when the item has a label for them, then go on in the
 * description's own order, whole sentences before shortened ones, until the budget is spent.
 */
export const DEFAULT_POLICY: number[] = (() => {
  const w = new Array<number>(POLICY_INPUTS).fill(0);
  w[P.focusFirst] = 4;
  w[P.focus] = 0.5;
  w[P.originalFirst] = 0.8;
  w[P.position] = -0.5;
  w[P.full] = 0.6;
  w[P.aside] = 0.3;
  w[P.cut] = -0.2;
  w[P.list] = -0.4;
  w[P.wordsShare] = 0.5;
  w[P.dropped] = -1.5;
  w[P.title] = 0.3;
  w[P.exclamation] = -0.4;
  w[P.short] = -0.6;
  w[P.follows] = 2;
  w[P.lowestUnplaced] = 1.5;
  w[P.goesBack] = -1;
  w[P.overlap] = 0.5;
  w[P.stop] = -3;
  w[P.leadFronted] = 1.5;
  w[P.leadStandalone] = 0.8;
  w[P.leadMined] = 0.2;
  w[P.complete] = 1;
  w[P.leadThis] = -0.4;
  w[P.leadUses] = 0.3;
  w[P.leadLabels] = 0.3;
  w[P.leadBrand] = -0.5;
  return w;
})();

/** Content words of a text, folded as terms are (for overlap between neighbouring sentences). */
export function contentSet(text: string): Set<string> {
  return new Set(words(text).filter((w) => w.length > 2 && !isStopword(w)));
}

export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Discriminator features, by position; then hashed sentence openings and endings. */
const D = {
  sentences: 0,
  wordsShare: 1,
  meanWords: 2,
  firstWords: 3,
  lastWords: 4,
  forOpening: 5,
  firstAnaphoric: 6,
  laterAnaphoric: 7,
  meanOverlap: 8,
  minOverlap: 9,
  titleFirst: 10,
  titleLater: 11,
  exclamations: 12,
  sameOpening: 13,
  firstComma: 14,
  standaloneLead: 15,
  andMoreEnd: 16,
  repeatedFirstWords: 17,
  firstComplete: 18,
  completeShare: 19,
} as const;
const D_FIXED = 20;
const OPENING_BUCKETS = 16;
const ENDING_BUCKETS = 8;
export const DISCRIMINATOR_INPUTS = D_FIXED + OPENING_BUCKETS + ENDING_BUCKETS;

/** One sentence of a finished text as the discriminator reads it. */
export interface ReadSentence {
  text: string;
  anaphoric: boolean;
  /** Opens with its subject (or is an imperative) and has a verb: no fragment. */
  complete: boolean;
  content: ReadonlySet<string>;
}

function bucket(s: string, n: number): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) % n;
}

function lowerWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}']/gu, ''))
    .filter((w) => w !== '');
}

/** The discriminator's view of a text: sentences in order, the budget it was written for, the title. */
export function textFeatures(
  sentences: readonly ReadSentence[],
  maxWords: number,
  title: string,
  out = new Float64Array(DISCRIMINATOR_INPUTS),
): Float64Array {
  out.fill(0);
  const n = sentences.length;
  if (n === 0) return out;
  const counts = sentences.map((s) => lowerWords(s.text).length);
  const total = counts.reduce((a, b) => a + b, 0);
  const titleWords = lowerWords(title).filter((w) => !isStopword(w));
  const mentionsTitle = (t: string) => titleWords.length > 0 && titleWords.every((w) => lowerWords(t).includes(w));
  out[D.sentences] = n / 5;
  out[D.wordsShare] = total / maxWords;
  out[D.meanWords] = total / n / 30;
  out[D.firstWords] = counts[0] / 30;
  out[D.lastWords] = counts[n - 1] / 30;
  const first = lowerWords(sentences[0].text);
  out[D.forOpening] = first[0] === 'for' ? 1 : 0;
  out[D.firstAnaphoric] = sentences[0].anaphoric ? 1 : 0;
  out[D.titleFirst] = mentionsTitle(sentences[0].text) ? 1 : 0;
  out[D.firstComma] = sentences[0].text.includes(',') ? 1 : 0;
  out[D.firstComplete] = sentences[0].complete ? 1 : 0;
  out[D.completeShare] = sentences.filter((s) => s.complete).length / n;
  out[D.standaloneLead] = sentences.some((s) => / is for (?:fans|anyone|readers|lovers|people|those) /i.test(s.text))
    ? 1
    : 0;
  let overlapSum = 0;
  let overlapMin = 1;
  let later = 0;
  let same = 0;
  for (let i = 1; i < n; i++) {
    const o = overlap(sentences[i - 1].content, sentences[i].content);
    overlapSum += o;
    overlapMin = Math.min(overlapMin, o);
    if (sentences[i].anaphoric) later++;
    if (lowerWords(sentences[i].text)[0] === lowerWords(sentences[i - 1].text)[0]) same++;
    if (mentionsTitle(sentences[i].text)) out[D.titleLater] = 1;
  }
  out[D.meanOverlap] = n > 1 ? overlapSum / (n - 1) : 0;
  out[D.minOverlap] = n > 1 ? overlapMin : 0;
  out[D.laterAnaphoric] = n > 1 ? later / (n - 1) : 0;
  out[D.sameOpening] = n > 1 ? same / (n - 1) : 0;
  out[D.exclamations] = sentences.filter((s) => s.text.trimEnd().endsWith('!')).length / n;
  out[D.andMoreEnd] = /\bmore[.!]$/i.test(sentences[n - 1].text.trim()) ? 1 : 0;
  // A lead's label said again at once ("For fans of fly fishing, Northwest Fly Fishing ...").
  const firstContent = [...sentences[0].content];
  out[D.repeatedFirstWords] =
    firstContent.length === 0
      ? 0
      : 1 -
        sentences[0].content.size /
          Math.max(1, words(sentences[0].text).filter((w) => w.length > 2 && !isStopword(w)).length);
  for (const s of sentences) {
    const w = lowerWords(s.text);
    out[D_FIXED + bucket(`${w[0] ?? ''} ${w[1] ?? ''}`, OPENING_BUCKETS)] += 1 / n;
    out[D_FIXED + OPENING_BUCKETS + bucket(`${w[w.length - 2] ?? ''} ${w[w.length - 1] ?? ''}`, ENDING_BUCKETS)] +=
      1 / n;
  }
  return out;
}
