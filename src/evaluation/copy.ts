/**
 * Measures of written copy, shared by `npm run eval:generate` and the tests: fluency by the
 * link-grammar parser (share of sentences with no null links), grounding (claims found in their
 * fields, foreign values), personalisation (the first sentence names a focus term; two readers
 * get different texts), and every lead fill the writer can produce, for the parser to check.
 */
import { mentions, Reader, withFrontedLead } from '../generation/arrange';
import { Prepared } from '../generation/prepare';
import type { Claim, ItemFacts } from '../generation/facts';
import { claimFound, foreignValues } from '../generation/grounding';
import { BUILTIN_FORMS, formTakes, LeadForm, leadLabels, leadSegments, addresses } from '../generation/lead';
import { segment } from '../generation/segment';
import { itemTerms } from '../generation/train/episodes';
import { normaliseTerm, words } from '../personalisation/tokenise';
import { shuffle } from '../util/random';
import { parsesWithoutNulls } from './link-grammar';

/** The sentences of a text, split as descriptions are. */
export function sentencesOf(text: string): string[] {
  return segment(text).map((s) => s.text);
}

export interface Fluency {
  parsed: number;
  sentences: number;
  share: number;
}

/** Share of the texts' sentences the parser links completely. */
export async function fluency(texts: readonly string[]): Promise<Fluency> {
  const sentences = texts.flatMap(sentencesOf);
  const ok = await parsesWithoutNulls(sentences);
  const parsed = ok.filter(Boolean).length;
  return { parsed, sentences: sentences.length, share: sentences.length === 0 ? NaN : parsed / sentences.length };
}

/** How many items of the catalogue have each term: a reader shares a term only if another item gave it to them. */
export function termFrequencies(items: readonly ItemFacts[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const item of items) {
    const terms = new Set(
      [...item.tags, ...item.categories, item.brand ?? '']
        .map((l) => normaliseTerm(l))
        .filter((t): t is string => t !== null),
    );
    for (const t of terms) df.set(t, (df.get(t) ?? 0) + 1);
  }
  return df;
}

/**
 * Two readers of an item with different focus terms: each shares two of the item's terms that at
 * least one other item has (where a real reader's interest would come from), B's unlike A's
 * where the item has enough.
 */
export function twoReaders(
  p: Prepared,
  df: ReadonlyMap<string, number>,
  random: () => number,
  maxWords: number,
): [Reader, Reader] {
  const terms = shuffle(
    random,
    itemTerms(p).filter((t) => (df.get(t) ?? 0) >= 2),
  );
  const a = terms.slice(0, 2);
  const rest = terms.slice(2);
  const b = rest.length > 0 ? rest.slice(0, 2) : terms.slice(1, 3);
  return [
    { focus: a, maxWords },
    { focus: b, maxWords },
  ];
}

export interface Personalisation {
  /** Items whose description mentions one of the reader's focus terms. */
  eligible: number;
  /** Of those, texts whose first sentence (lead included) names a focus term. */
  firstWithLead: number;
  /** Of those, texts whose first sentence after any lead names one. */
  firstWithoutLead: number;
  /** Items with two or more usable sentences, and of those, the ones whose two readers got different texts. */
  twoSentenceItems: number;
  differentTexts: number;
}

/** The first sentence of a text, and the first after a lead (the lead ends at its first ", " or "."). */
function firstSentences(
  text: string,
  lead: boolean,
  leadText: string | null,
): { withLead: string; withoutLead: string } {
  const all = sentencesOf(text);
  const withLead = all[0] ?? '';
  if (!lead || leadText === null) return { withLead, withoutLead: withLead };
  if (text.startsWith(leadText) && leadText.trimEnd().endsWith('.')) return { withLead, withoutLead: all[1] ?? '' };
  return { withLead, withoutLead: withLead.slice(leadText.length) };
}

export interface WrittenForEval {
  text: string;
  claims: Claim[];
  /** The lead's own text ("For fans of X, " or "This is for anyone interested in X. "), null for none. */
  leadText: string | null;
}

export function personalisation(
  prepared: readonly Prepared[],
  readers: readonly [Reader, Reader][],
  a: readonly WrittenForEval[],
  b: readonly WrittenForEval[],
): Personalisation {
  const out: Personalisation = {
    eligible: 0,
    firstWithLead: 0,
    firstWithoutLead: 0,
    twoSentenceItems: 0,
    differentTexts: 0,
  };
  prepared.forEach((p, i) => {
    const focus = readers[i][0].focus;
    const description = words(p.item.description ?? '');
    if (focus.some((f) => mentions(description, f))) {
      out.eligible++;
      const first = firstSentences(a[i].text, a[i].leadText !== null, a[i].leadText);
      if (focus.some((f) => mentions(words(first.withLead), f))) out.firstWithLead++;
      if (focus.some((f) => mentions(words(first.withoutLead), f))) out.firstWithoutLead++;
    }
    if (p.sentences.filter((s) => s.usable).length >= 2) {
      out.twoSentenceItems++;
      if (a[i].text !== b[i].text) out.differentTexts++;
    }
  });
  return out;
}

export interface Grounding {
  claims: number;
  found: number;
  /** Numbers, brands and categories stated that the item does not have. */
  foreign: number;
  texts: number;
}

export function grounding(
  items: readonly ItemFacts[],
  texts: readonly { text: string; claims?: Claim[] }[],
  lexicon: ReadonlySet<string>,
): Grounding {
  const out: Grounding = { claims: 0, found: 0, foreign: 0, texts: texts.length };
  texts.forEach((t, i) => {
    for (const c of t.claims ?? []) {
      out.claims++;
      if (claimFound(items[i], c)) out.found++;
    }
    out.foreign += foreignValues(t.text, items[i], lexicon).length;
  });
  return out;
}

/**
 * Every lead the writer can produce for these readers, each form of the inventory with each
 * count of labels: a standalone lead as its own sentence, a fronted one with each sentence it
 * could open (`sentence` is that sentence alone, for a conditional check: the lead must not
 * break a sentence that parses).
 */
export function leadFills(
  p: Prepared,
  focus: readonly string[],
  inventory: readonly LeadForm[] = BUILTIN_FORMS,
): { lead: string; sentence: string | null }[] {
  const labels = leadLabels(p.item, focus, p.sentences);
  const out: { lead: string; sentence: string | null }[] = [];
  for (const form of inventory) {
    if (form.audience !== undefined && !addresses(p.sentences, form.audience)) continue;
    for (let k = 1; k <= labels.length; k++) {
      if (!formTakes(form, labels.slice(0, k))) continue;
      const segs = leadSegments(form, labels.slice(0, k));
      const lead = segs.map((s) => s.text).join('');
      if (form.kind === 'standalone') {
        out.push({ lead: lead.trim(), sentence: null });
        continue;
      }
      p.sentences.forEach((s, i) => {
        if (p.complete[i] && !s.anaphoric) out.push({ lead: withFrontedLead(p, i, lead), sentence: s.text });
      });
    }
  }
  return out;
}
