/**
 * Arrangement: the generator's actions. Given an item prepared once (its sentences and their
 * shorter forms) and a reader (focus terms, word budget), a policy picks, one step at a time,
 * the sentence form to open with, the lead, and the sentence forms that follow, or stops. Pure:
 * the policy and the way a choice is made (greedy in serving, sampled in training) come in, and
 * the steps come out beside the text for policy-gradient training.
 */
import type { Variant } from './clauses';
import { contentHash, Label, Segment } from './facts';
import { contentSet, overlap, P, POLICY_INPUTS, ReadSentence } from './features';
import { lowersAfterLead } from './grammar';
import { addresses, formTakes, LeadForm, leadLabels, leadSegments, leadWords } from './lead';
import { words } from '../personalisation/tokenise';

import type { Prepared } from './prepare';

export interface Reader {
  /** Normalised terms the reader shares with the item, strongest first ([] for generic copy). */
  focus: readonly string[];
  maxWords: number;
}

/** Scores `rows` candidate vectors of POLICY_INPUTS values each. */
export type PolicyScorer = (x: Float64Array, rows: number) => Float64Array;

/** How one step's choice is made from the scores: its index among the candidates. */
export type Picker = (scores: Float64Array, step: 'first' | 'lead' | 'next') => number;

export const greedy: Picker = (scores) => {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return best;
};

/** One decision: the candidates' feature rows and the one chosen. */
export interface Step {
  x: Float64Array;
  rows: number;
  chosen: number;
}

export interface Arrangement {
  segments: Segment[];
  /**
   * The text's sentences as the discriminator reads them: without the lead, which the shop's own
   * copy never has (judged by the personal part of the reward and by construction instead).
   */
  read: ReadSentence[];
  words: number;
  lead: boolean;
  /** The lead as written ("For fans of X, " or "This is for anyone interested in X. "), null without one. */
  leadText: string | null;
  /** The first sentence after any lead names a focus term. */
  focusFirst: boolean;
  composed: boolean;
  steps: Step[];
}

interface Unit {
  s: number;
  v: number;
  form: Variant;
  words: number;
  focus: number;
}

export function mentions(folds: readonly string[], term: string): boolean {
  const t = term.split(' ');
  outer: for (let i = 0; i + t.length <= folds.length; i++) {
    for (let k = 0; k < t.length; k++) if (folds[i + k] !== t[k]) continue outer;
    return true;
  }
  return false;
}

/** Focus terms a form names, weighted by strength (the first counts most), in [0, 1]. */
function focusScore(folds: readonly string[], focus: readonly string[]): number {
  let got = 0;
  let all = 0;
  focus.forEach((term, k) => {
    all += 1 / (k + 1);
    if (mentions(folds, term)) got += 1 / (k + 1);
  });
  return all === 0 ? 0 : got / all;
}

/** Words that open a sentence in lower case whenever something comes before them. */
const CLOSED_CLASS = new Set(
  'the a an this these that those each every our your its their we you many most all some one'.split(' '),
);

/** The sentence's first word in lower case after a fronted lead, unless it is a name (of the item or another). */
function lowerFirst(p: Prepared, text: string, sentence: string): string {
  const word = /^[\p{L}][\p{L}'’]*/u.exec(text)?.[0] ?? '';
  if (CLOSED_CLASS.has(word.toLowerCase())) return text.charAt(0).toLowerCase() + text.slice(1);
  const first = words(word)[0];
  if (first === undefined || p.names.has(first) || !lowersAfterLead(sentence)) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A sentence of the item opened by a fronted lead, as the writer renders it. */
export function withFrontedLead(p: Prepared, sentence: number, lead: string): string {
  const text = p.sentences[sentence].text;
  return `${lead}${lowerFirst(p, text, text)}`;
}

function formSegments(p: Prepared, u: { s: number; form: Variant }, fronted: boolean): Segment[] {
  return u.form.pieces.map((piece, i) => {
    const text = i === 0 && fronted && piece.own ? lowerFirst(p, piece.text, p.sentences[u.s].text) : piece.text;
    return {
      text,
      claim: piece.own ? { source: 'DESCRIPTION' as const, ref: `description[${p.sentences[u.s].index}]` } : null,
    };
  });
}

function textOf(segments: Segment[]): string {
  return segments.map((s) => s.text).join('');
}

function row(x: Float64Array, r: number, values: [number, number][]): void {
  const off = r * POLICY_INPUTS;
  x[off + P.bias] = 1;
  for (const [k, v] of values) x[off + k] = v;
}

interface LeadChoice {
  form: LeadForm;
  labels: Label[];
}

/** The lead step: none, or a form of the inventory with one or two labels that fits the budget. */
function leadOptions(
  p: Prepared,
  labels: Label[],
  inventory: readonly LeadForm[],
  firstText: string | null,
  firstComplete: boolean,
  room: number,
): LeadChoice[] {
  const out: LeadChoice[] = [];
  const fronted = firstText === null || firstComplete;
  for (const form of inventory) {
    if (form.kind === 'fronted' && !fronted) continue;
    // A form mined from the shop's copy ("For readers interested in") fits an item that addresses the same audience.
    if (form.audience !== undefined && !addresses(p.sentences, form.audience)) continue;
    if (form.kind === 'standalone' && firstText === null) continue;
    for (let k = 1; k <= labels.length; k++) {
      const chosen = labels.slice(0, k);
      if (formTakes(form, chosen) && leadWords(form, chosen) <= room) out.push({ form, labels: chosen });
    }
  }
  return out;
}

/** Chooses the lead with the policy (when the item has a label for the focus); null for none. */
function chooseLead(
  p: Prepared,
  reader: Reader,
  inventory: readonly LeadForm[],
  first: { text: string | null; complete: boolean; words: number; focus: number },
  policy: PolicyScorer,
  pick: Picker,
  steps: Step[],
): LeadChoice | null {
  if (reader.focus.length === 0) return null;
  const labels = leadLabels(p.item, reader.focus, p.sentences);
  if (labels.length === 0) return null;
  const options = leadOptions(p, labels, inventory, first.text, first.complete, reader.maxWords - first.words);
  if (options.length === 0) return null;
  const x = new Float64Array((options.length + 1) * POLICY_INPUTS);
  row(x, 0, [
    [P.stepLead, 1],
    [P.leadNone, 1],
    [P.firstHasFocus, first.focus > 0 ? 1 : 0],
    [P.fillAfter, first.words / reader.maxWords],
  ]);
  options.forEach((o, i) => {
    const w = leadWords(o.form, o.labels);
    row(x, i + 1, [
      [P.stepLead, 1],
      [o.form.kind === 'fronted' ? P.leadFronted : P.leadStandalone, 1],
      [P.leadMined, o.form.origin === 'mined' ? 1 : 0],
      [P.leadThis, o.form.subject === 'this' ? 1 : 0],
      [P.leadUses, Math.log1p(o.form.uses) / 5],
      [P.leadLabels, o.labels.length / 2],
      [P.firstHasFocus, first.focus > 0 ? 1 : 0],
      [P.leadCategory, o.labels[0].source === 'CATEGORY' ? 1 : 0],
      [P.leadBrand, o.labels[0].source === 'BRAND' ? 1 : 0],
      [P.wordsShare, w / reader.maxWords],
      [P.fillAfter, (w + first.words) / reader.maxWords],
    ]);
  });
  const chosen = pick(policy(x, options.length + 1), 'lead');
  steps.push({ x, rows: options.length + 1, chosen });
  return chosen === 0 ? null : options[chosen - 1];
}

function unitRow(
  p: Prepared,
  x: Float64Array,
  r: number,
  u: Unit,
  reader: Reader,
  used: number,
  last: Unit | null,
  lowest: number,
): void {
  const n = p.sentences.length;
  const full = p.forms[u.s][0].words;
  const text = p.sentences[u.s].text;
  const titleWords = p.titleWords;
  row(x, r, [
    [last === null ? P.stepFirst : P.stepNext, 1],
    [P.focus, u.focus],
    [P.focusAny, u.focus > 0 ? 1 : 0],
    [P.focusFirst, last === null ? u.focus : 0],
    [P.position, n > 1 ? u.s / (n - 1) : 0],
    [P.originalFirst, u.s === 0 ? 1 : 0],
    [P.follows, last !== null && u.s === last.s + 1 ? 1 : 0],
    [P.lowestUnplaced, last !== null && u.s === lowest ? 1 : 0],
    [P.goesBack, last !== null && u.s < last.s ? 1 : 0],
    [P.anaphoric, p.sentences[u.s].anaphoric ? 1 : 0],
    [P[u.form.kind], 1],
    [P.wordsShare, u.words / reader.maxWords],
    [P.fillAfter, (used + u.words) / reader.maxWords],
    [P.dropped, 1 - u.words / full],
    [P.title, titleWords.length > 0 && titleWords.every((w) => p.folds[u.s][0].includes(w)) ? 1 : 0],
    [P.exclamation, text.endsWith('!') ? 1 : 0],
    [P.short, u.words < 6 ? 1 : 0],
    [P.overlap, last === null ? 0 : overlap(p.content[last.s], p.content[u.s])],
    [P.complete, p.complete[u.s] ? 1 : 0],
  ]);
}

export interface ArrangeOptions {
  policy: PolicyScorer;
  inventory: readonly LeadForm[];
  pick?: Picker;
}

/** The arrangement the policy makes for this reader, within the word budget. */
export function arrange(p: Prepared, reader: Reader, options: ArrangeOptions): Arrangement {
  const pick = options.pick ?? greedy;
  const steps: Step[] = [];
  const units: Unit[] = [];
  p.forms.forEach((forms, s) =>
    forms.forEach((form, v) =>
      units.push({ s, v, form, words: form.words, focus: focusScore(p.folds[s][v], reader.focus) }),
    ),
  );
  const fitting = units.filter((u) => !p.sentences[u.s].anaphoric && u.words <= reader.maxWords);
  // Order is the shop's unless the reader's interests call for another opening: when no sentence
  // names a focus term, the text opens where the description does (its first sentence that fits).
  const touching = fitting.filter((u) => u.focus > 0);
  const openers = touching.length > 0 ? touching : fitting.filter((u) => u.s === Math.min(...fitting.map((f) => f.s)));
  // Too little of the description can be used (a heading and a list, say): the fields say more.
  const usable = p.forms.reduce((n, f) => n + (f.length > 0 ? f[0].words : 0), 0);
  if (openers.length === 0 || (usable < 8 && p.composed.length > 0))
    return composeArrangement(p, reader, options, pick);

  let x = new Float64Array(openers.length * POLICY_INPUTS);
  openers.forEach((u, r) => unitRow(p, x, r, u, reader, 0, null, 0));
  const firstIndex = pick(options.policy(x, openers.length), 'first');
  steps.push({ x, rows: openers.length, chosen: firstIndex });
  const first = openers[firstIndex];
  const lead = chooseLead(
    p,
    reader,
    options.inventory,
    { text: p.sentences[first.s].text, complete: p.complete[first.s], words: first.words, focus: first.focus },
    options.policy,
    pick,
    steps,
  );
  const leadCount = lead ? leadWords(lead.form, lead.labels) : 0;
  const placed: Unit[] = [first];
  let used = first.words + leadCount;
  for (;;) {
    const last = placed[placed.length - 1];
    const done = new Set(placed.map((u) => u.s));
    const lowest = p.forms.findIndex((f, s) => f.length > 0 && !done.has(s));
    const keepsReferent = last.form.kind === 'full' || last.form.kind === 'aside';
    const next = units.filter(
      (u) =>
        !done.has(u.s) &&
        u.words <= reader.maxWords - used &&
        (!p.sentences[u.s].anaphoric || (u.s === last.s + 1 && keepsReferent)),
    );
    if (next.length === 0) break;
    x = new Float64Array((next.length + 1) * POLICY_INPUTS);
    row(x, 0, [
      [P.stepNext, 1],
      [P.stop, 1],
      [P.fillSoFar, used / reader.maxWords],
    ]);
    next.forEach((u, r) => unitRow(p, x, r + 1, u, reader, used, last, lowest));
    const chosen = pick(options.policy(x, next.length + 1), 'next');
    steps.push({ x, rows: next.length + 1, chosen });
    if (chosen === 0) break;
    placed.push(next[chosen - 1]);
    used += next[chosen - 1].words;
  }

  const segments: Segment[] = [];
  const read: ReadSentence[] = [];
  if (lead && lead.form.kind === 'standalone') {
    const ls = leadSegments(lead.form, lead.labels);
    segments.push(...ls);
  }
  placed.forEach((u, i) => {
    const fronted = i === 0 && lead !== null && lead.form.kind === 'fronted';
    const own = formSegments(p, u, fronted);
    const ls = fronted ? leadSegments(lead.form, lead.labels) : [];
    if (i > 0) segments.push({ text: ' ', claim: null });
    segments.push(...ls, ...own);
    read.push({
      text: textOf(own),
      anaphoric: i > 0 && p.sentences[u.s].anaphoric,
      complete: p.complete[u.s],
      content: p.content[u.s],
    });
  });
  const leadText = lead ? textOf(leadSegments(lead.form, lead.labels)) : null;
  return {
    segments,
    read,
    words: used,
    lead: lead !== null,
    leadText,
    focusFirst: first.focus > 0,
    composed: false,
    steps,
  };
}

/** Copy from the item's fields: its composed sentences in order, as many as fit, after any lead. */
function composeArrangement(p: Prepared, reader: Reader, options: ArrangeOptions, pick: Picker): Arrangement {
  const steps: Step[] = [];
  const sentences = p.composed;
  const firstWords = sentences[0]?.words ?? 0;
  const folds = sentences.map((s) => words(textOf(s.segments)));
  const firstFocus = sentences.length > 0 ? focusScore(folds[0], reader.focus) : 0;
  const fronted = options.inventory.filter((f) => f.kind === 'fronted');
  const lead =
    sentences.length > 0
      ? chooseLead(
          p,
          reader,
          fronted,
          { text: null, complete: true, words: firstWords, focus: firstFocus },
          options.policy,
          pick,
          steps,
        )
      : null;
  let used = lead ? leadWords(lead.form, lead.labels) : 0;
  const segments: Segment[] = [];
  const read: ReadSentence[] = [];
  sentences.forEach((s, i) => {
    if (i > 0 && used + s.words > reader.maxWords) return;
    const ls = i === 0 && lead ? leadSegments(lead.form, lead.labels) : [];
    if (i > 0) segments.push({ text: ' ', claim: null });
    // After a fronted lead, a connecting opening ("The price of...") goes on in lower case.
    const own =
      ls.length > 0 && s.segments[0].claim === null
        ? [
            { ...s.segments[0], text: s.segments[0].text.charAt(0).toLowerCase() + s.segments[0].text.slice(1) },
            ...s.segments.slice(1),
          ]
        : s.segments;
    segments.push(...ls, ...own);
    read.push({ text: textOf(s.segments), anaphoric: i > 0, complete: true, content: contentSet(textOf(s.segments)) });
    used += s.words;
  });
  const leadText = lead ? textOf(leadSegments(lead.form, lead.labels)) : null;
  return {
    segments,
    read,
    words: used,
    lead: lead !== null,
    leadText,
    focusFirst: firstFocus > 0,
    composed: true,
    steps,
  };
}

export { contentHash };
