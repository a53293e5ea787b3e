/**
 * Writing descriptions with a trained bundle: several sampled candidates per item, slots filled
 * only from the item's own values, candidates ranked by the discriminator's score and by coverage
 * of the focus terms. All items of a request are written in one call, on the plain-JavaScript
 * kernels of kernels.ts, in slices of a few milliseconds so other requests are served in between.
 */
import { seededRandom } from '../util/random';
import { DiscriminatorKernel, GeneratorKernel } from './kernels';
import type { Discriminator, Generator as GeneratorNetwork } from './model';
import { foreignValues, isSlot, mentions } from './slots';
import { hasRepeatedTrigram, renderTokens } from './text';
import { templateDescription } from './template';
import { EOS, Example, focusSlot, PAD, UNK, Vocabulary } from './vocabulary';

export interface Bundle {
  version: string;
  generator: GeneratorNetwork;
  discriminator: Discriminator;
  vocab: Vocabulary;
}

export interface DecodeOptions {
  candidates: number;
  maxTokens: number;
  minTokens: number;
  temperature: number;
  /** Added to the logits of focus slots until one is written (grows with every step). */
  focusBoost: number;
  /** Mixed into every example's sampling seed (0 in serving: the same request writes the same text). */
  seed: number;
}

export const DEFAULT_DECODE: DecodeOptions = { candidates: 6, maxTokens: 40, minTokens: 8, temperature: 0.8, focusBoost: 1.5, seed: 0 };

export interface Generated {
  text: string;
  /** The focus terms the text names, strongest first. */
  highlights: string[];
  /** P(real) of the chosen candidate, per the discriminator. */
  realness: number;
  /** Token ids written (for the discriminator and policy gradient). */
  ids: number[];
  /** True when no candidate passed the checks and the template was used. */
  fallback: boolean;
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Renders generated tokens as text, filling each slot with the item's own value. */
export function lexicalise(tokens: string[], ex: Example, vocab: Vocabulary): string {
  const values = new Map(ex.values.map((v) => [v.slot, v.surface]));
  const pieces: string[] = [];
  for (const t of tokens) {
    if (t === EOS || t === PAD || t === UNK) continue;
    if (isSlot(t)) pieces.push(values.get(t) ?? '');
    else pieces.push(vocab.surface(t));
  }
  return renderTokens(pieces);
}

/** What never changes for a vocabulary: which ids are slots, which words are catalogue values. */
interface VocabularyTables {
  isSlotId: Uint8Array;
  isOutput: Uint8Array;
  /** Output ids every text may write, ascending (no slots, no brand or category words, no <unk>). */
  shared: Int32Array;
  /** Ids of one-word brands and categories of the catalogue, by term. */
  lexiconWordIds: Map<string, number>;
}

const vocabularyTables = new WeakMap<Vocabulary, VocabularyTables>();

function tablesOf(vocab: Vocabulary): VocabularyTables {
  let tables = vocabularyTables.get(vocab);
  if (tables) return tables;
  const isSlotId = new Uint8Array(vocab.size);
  for (let i = 0; i < vocab.size; i++) if (isSlot(vocab.token(i))) isSlotId[i] = 1;
  const lexiconWordIds = new Map<string, number>();
  for (const term of vocab.json.lexicon) if (!term.includes(' ') && vocab.index.has(term)) lexiconWordIds.set(term, vocab.index.get(term)!);
  const lexiconIds = new Set(lexiconWordIds.values());
  const unk = vocab.id(UNK);
  const isOutput = new Uint8Array(vocab.size);
  for (const id of vocab.outputIds) if (id !== unk) isOutput[id] = 1;
  const shared = Int32Array.from(new Set(vocab.outputIds.filter((id) => isOutput[id] && !isSlotId[id] && !lexiconIds.has(id)))).sort();
  tables = { isSlotId, isOutput, shared, lexiconWordIds };
  vocabularyTables.set(vocab, tables);
  return tables;
}

/**
 * The ids one example may write besides the shared ones, ascending: its own slots and its own
 * catalogue words (a word that is itself a brand or category of the catalogue may be written
 * only if the item has it). None of them is shared.
 */
function ownIds(vocab: Vocabulary, ex: Example): Int32Array {
  const { isOutput, lexiconWordIds } = tablesOf(vocab);
  const own: number[] = [];
  for (const v of ex.values) if (vocab.index.has(v.slot)) own.push(vocab.id(v.slot));
  const terms = new Set(ex.values.map((v) => v.term));
  for (const [term, id] of lexiconWordIds) if (terms.has(term)) own.push(id);
  return Int32Array.from(new Set(own.filter((id) => isOutput[id]))).sort();
}

export interface RowState {
  ex: number;
  tokens: number[];
}

/** Work that stops at points where the event loop may run (see `runBlocking`, `runYielding`). */
type Steps<T> = Generator<void, T, undefined>;

function runBlocking<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `steps`, letting the event loop run whenever `sliceMs` of synchronous work have passed. */
async function runYielding<T>(steps: Steps<T>, sliceMs: number): Promise<T> {
  let since = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - since >= sliceMs) {
      await nextTurn();
      since = performance.now();
    }
  }
}

/** One sampled sequence being written: its own random numbers, tokens and bans. */
interface Row {
  ex: number;
  random: () => number;
  tokens: number[];
  slotsUsed: Set<number>;
  /** Next tokens already written after each pair of tokens: no trigram twice. */
  trigrams: Map<number, number[]>;
  focusWritten: boolean;
}

/** Rows bounded per pass over the shared vocabulary (see GeneratorKernel.leadCandidates). */
const BLOCK = 4;
/** Rows advanced by one token between two yields. */
const STEP_CHUNK = 32;

/** Buffers of one sampling step, filled and read between two yields: calls in flight can share them. */
interface Scratch {
  coords: Float64Array;
  rests: Float64Array;
  candidates: Int32Array;
  candidateUpper: Float64Array;
  candidateCount: Int32Array;
  best: Float64Array;
  bestAt: Int32Array;
  ids: Int32Array;
  weights: Float64Array;
  ownKept: Int32Array;
  ownUpper: Float64Array;
  state: Float64Array;
}

/** One set per kernel, made on first use: a call of one description would otherwise spend a good part of its time allocating them. */
const scratches = new WeakMap<GeneratorKernel, Scratch>();

function scratchOf(g: GeneratorKernel, V: number, S: number): Scratch {
  const known = scratches.get(g);
  if (known && known.ids.length === V && known.candidates.length === BLOCK * S) return known;
  const scratch: Scratch = {
    coords: new Float64Array(BLOCK * g.rank),
    rests: new Float64Array(BLOCK),
    candidates: new Int32Array(BLOCK * S),
    candidateUpper: new Float64Array(BLOCK * S),
    candidateCount: new Int32Array(BLOCK),
    best: new Float64Array(BLOCK),
    bestAt: new Int32Array(BLOCK),
    ids: new Int32Array(V),
    weights: new Float64Array(V),
    ownKept: new Int32Array(V),
    ownUpper: new Float64Array(V),
    state: new Float64Array(g.hidden),
  };
  scratches.set(g, scratch);
  return scratch;
}

/** Reads every example's conditioning tokens into its state in `prefixes`, all examples a token at a time. */
function* conditioning(g: GeneratorKernel, conditions: Int32Array[], prefixes: Float32Array): Steps<void> {
  const rows = new Int32Array(conditions.length);
  const tokens = new Int32Array(conditions.length);
  const longest = Math.max(0, ...conditions.map((c) => c.length));
  for (let t = 0; t < longest; t++) {
    let n = 0;
    conditions.forEach((c, e) => {
      if (t >= c.length) return;
      rows[n] = e;
      tokens[n++] = c[t];
    });
    for (let q = 0; q < n; q += STEP_CHUNK) {
      g.stepRows(prefixes, rows, tokens, q, Math.min(q + STEP_CHUNK, n));
      yield;
    }
  }
}

/**
 * Samples `candidates` sequences per example. Every row is written on its own (its own state
 * and seeded random numbers, and kernels that add a row's sums in the same order whatever rows
 * share its pass), so a text is the same whatever else shares the batch. All rows of all
 * examples advance a token at a time: the recurrent step for four rows per pass over its
 * weights, the logit bounds for four rows per pass over the shared vocabulary, the exact logits
 * of the tokens that may be drawn four tokens per pass over a row's state. Yields after every
 * few rows.
 */
function* sampling(g: GeneratorKernel, vocab: Vocabulary, examples: Example[], opts: DecodeOptions): Steps<RowState[]> {
  const { isSlotId, shared } = tablesOf(vocab);
  const eosId = vocab.id(EOS);
  const H = g.hidden;
  const rank = g.rank;
  const T = opts.temperature;
  const V = vocab.size;
  const S = shared.length;
  const K = opts.candidates;
  const own = examples.map((ex) => ownIds(vocab, ex));
  const focus = examples.map((ex) => new Set(ex.focus.map((f) => focusSlot(ex.values, f)).filter((s): s is string => !!s).map((s) => vocab.id(s))));
  const prefixes = new Float32Array(examples.length * H);
  yield* conditioning(g, examples.map((ex) => Int32Array.from(ex.condition, (c) => vocab.id(c))), prefixes);

  const rows: Row[] = [];
  const states = new Float32Array(examples.length * K * H);
  examples.forEach((ex, e) => {
    const base = hashString(`${ex.item.id}|${ex.focus.join(',')}`) ^ opts.seed;
    for (let k = 0; k < K; k++) {
      states.set(prefixes.subarray(e * H, (e + 1) * H), rows.length * H);
      rows.push({ ex: e, random: seededRandom(base + k * 7919), tokens: [], slotsUsed: new Set(), trigrams: new Map(), focusWritten: focus[e].size === 0 });
    }
  });

  const { coords, rests, candidates, candidateUpper, candidateCount, best, bestAt, ids, weights, ownKept, ownUpper, state } = scratchOf(g, V, S);
  const logOf100 = Math.log(100);
  // Tokens whose upper bound is this far below the best lower bound seen are dropped in the
  // kernel's pass (a hair more than the cut, for rounding): the exact test comes after.
  const reach = T * logOf100 + 1e-6;

  /** The next token of `row` (its state at states[hAt..], its bounds at block position r). */
  const draw = (row: Row, hAt: number, r: number, step: number): number => {
    const { tokens, slotsUsed, trigrams } = row;
    const n = tokens.length;
    const last = n > 0 ? tokens[n - 1] : -1;
    const prev = n > 1 ? tokens[n - 2] : -1;
    const rowFocus = focus[row.ex];
    const rowOwn = own[row.ex];
    const boost = row.focusWritten ? 0 : opts.focusBoost * (1 + step / 4);
    const banned = n >= 2 ? trigrams.get(prev * V + last) : undefined;
    const noEnd = n < opts.minTokens;
    const excluded = (i: number) => (i === eosId && noEnd) || i === last || (banned !== undefined && banned.includes(i));
    // Truncated sampling: tokens 100x less likely than the best are never drawn. Bounds on
    // every logit from the state's leading directions rule most tokens out before their
    // exact logit is computed; the draw is the same as from all exact logits. No shared id is
    // a focus slot, so none has a bonus.
    let bestLower = -Infinity;
    const at = r * S;
    let count = candidateCount[r];
    if (bestAt[r] >= 0 && !excluded(shared[bestAt[r]])) bestLower = best[r] / T;
    else if (bestAt[r] >= 0) {
      // The best bound is a token this row may not write: the kernel's pass dropped tokens
      // against it, so every shared token is bounded again (a few percent of steps).
      for (let a = 0; a < S; a++) {
        const i = shared[a];
        const lead = g.leadLogit(coords, i, r * rank);
        const slack = rests[r] * g.residual[i];
        candidates[at + a] = a;
        candidateUpper[at + a] = lead + slack;
        if (excluded(i)) continue;
        const lower = (lead - slack) / T;
        if (lower > bestLower) bestLower = lower;
      }
      count = S;
    }
    let kept = 0;
    for (let o = 0; o < rowOwn.length; o++) {
      const i = rowOwn[o];
      if (excluded(i) || (isSlotId[i] && slotsUsed.has(i))) continue;
      const lead = g.leadLogit(coords, i, r * rank);
      const slack = rests[r] * g.residual[i];
      const bonus = boost !== 0 && rowFocus.has(i) ? boost : 0;
      const lower = (lead - slack) / T + bonus;
      if (lower > bestLower) bestLower = lower;
      ownKept[kept] = i;
      ownUpper[kept++] = (lead + slack) / T + bonus;
    }
    const cut = bestLower - logOf100;
    // The exact test divides as the bound was always scaled; most bounds are clear of the cut
    // either way by far more than rounding and need no division.
    const margin = 1e-9 * (Math.abs(cut * T) + 1);
    const surelyIn = cut * T + margin;
    const surelyOut = cut * T - margin;
    let m = 0;
    let o = 0;
    for (let c = at; c < at + count; c++) {
      const bound = candidateUpper[c];
      if (bound < surelyIn && (bound < surelyOut || bound / T < cut)) continue;
      const i = shared[candidates[c]];
      if (excluded(i)) continue;
      for (; o < kept && ownKept[o] < i; o++) if (ownUpper[o] >= cut) ids[m++] = ownKept[o];
      ids[m++] = i;
    }
    for (; o < kept; o++) if (ownUpper[o] >= cut) ids[m++] = ownKept[o];
    for (let j = 0; j < H; j++) state[j] = states[hAt + j];
    g.logits(state, ids, m, weights);
    let max = -Infinity;
    for (let j = 0; j < m; j++) {
      let l = weights[j] / T;
      // Focus tokens are slots: the cheap test first.
      if (boost !== 0 && isSlotId[ids[j]] && rowFocus.has(ids[j])) l += boost;
      weights[j] = l;
      if (l > max) max = l;
    }
    const floor = max - logOf100;
    let total = 0;
    for (let j = 0; j < m; j++) {
      const p = weights[j] >= floor ? Math.exp(weights[j] - max) : 0;
      weights[j] = p;
      total += p;
    }
    let u = row.random() * total;
    let pick = eosId;
    for (let j = 0; j < m; j++) {
      if (weights[j] === 0) continue;
      u -= weights[j];
      if (u <= 0) {
        pick = ids[j];
        break;
      }
    }
    if (step === opts.maxTokens - 1) pick = eosId;
    if (n >= 2) {
      const key = prev * V + last;
      const next = trigrams.get(key);
      if (next) next.push(pick);
      else trigrams.set(key, [pick]);
    }
    tokens.push(pick);
    if (isSlotId[pick]) slotsUsed.add(pick);
    if (rowFocus.has(pick)) row.focusWritten = true;
    return pick;
  };

  let active = Int32Array.from(rows, (_, i) => i);
  let count = active.length;
  let reading = new Int32Array(count);
  const read = new Int32Array(count);
  for (let step = 0; step < opts.maxTokens && count > 0; step++) {
    let going = 0;
    for (let q = 0; q < count; q += BLOCK) {
      const n = Math.min(BLOCK, count - q);
      for (let r = 0; r < n; r++) rests[r] = g.leadCoordinates(states, coords, active[q + r] * H, r * rank);
      g.leadCandidates(shared, n, coords, rests, reach, candidates, candidateUpper, candidateCount, best, bestAt);
      for (let r = 0; r < n; r++) {
        const row = active[q + r];
        const pick = draw(rows[row], row * H, r, step);
        if (pick === eosId) continue;
        reading[going] = row;
        read[going++] = pick;
      }
      yield;
    }
    for (let q = 0; q < going; q += STEP_CHUNK) {
      g.stepRows(states, reading, read, q, Math.min(q + STEP_CHUNK, going));
      yield;
    }
    [active, reading] = [reading, active];
    count = going;
  }
  return rows.map((row) => ({ ex: row.ex, tokens: row.tokens }));
}

/**
 * Samples `candidates` sequences per example with the generator's current weights, unranked
 * (adversarial training's samples).
 */
export function sampleSequences(g: GeneratorNetwork, vocab: Vocabulary, examples: Example[], opts: DecodeOptions): { rows: RowState[] } {
  return { rows: runBlocking(sampling(new GeneratorKernel(g), vocab, examples, opts)) };
}

/** Cuts a token sequence after its last full sentence, when it was stopped mid-sentence. */
function endAtSentence(tokens: string[]): string[] {
  const body = tokens.filter((x) => x !== EOS);
  if (tokens[tokens.length - 1] === EOS && (body[body.length - 1] === '.' || body[body.length - 1] === '!' || body[body.length - 1] === '?')) return body;
  let cut = -1;
  body.forEach((x, i) => {
    if (x === '.' || x === '!' || x === '?') cut = i;
  });
  return cut >= 5 ? body.slice(0, cut + 1) : body;
}

/** Kernels of a served model, built on first use: a loaded version's weights never change. */
const generatorKernels = new WeakMap<GeneratorNetwork, GeneratorKernel>();
const discriminatorKernels = new WeakMap<Discriminator, DiscriminatorKernel>();

function kernelsOf(bundle: Bundle): { generator: GeneratorKernel; discriminator: DiscriminatorKernel } {
  let generator = generatorKernels.get(bundle.generator);
  if (!generator) generatorKernels.set(bundle.generator, (generator = new GeneratorKernel(bundle.generator)));
  let discriminator = discriminatorKernels.get(bundle.discriminator);
  if (!discriminator) discriminatorKernels.set(bundle.discriminator, (discriminator = new DiscriminatorKernel(bundle.discriminator)));
  return { generator, discriminator };
}

/** Builds the bundle's kernels now (tens of ms, once per model version) rather than in the first request. */
export function prepare(bundle: Bundle): void {
  kernelsOf(bundle);
}

function* writing(bundle: Bundle, examples: Example[], opts: DecodeOptions): Steps<Generated[]> {
  const { vocab } = bundle;
  const kernels = kernelsOf(bundle);
  const rows = yield* sampling(kernels.generator, vocab, examples, opts);
  const eosId = vocab.id(EOS);
  // Ranked first, checked for grounding best first: most candidates never need the check.
  const ranked: (Generated & { ex: number; rank: number })[] = [];
  for (const r of rows) {
    const ex = examples[r.ex];
    const tokens = endAtSentence(r.tokens.map((id) => vocab.token(id)));
    const text = lexicalise(tokens, ex, vocab);
    if (text.split(' ').length < 4 || hasRepeatedTrigram(text)) continue;
    const ids = [...tokens.map((x) => vocab.id(x)), eosId];
    const realness = kernels.discriminator.score([...ex.condition.map((c) => vocab.id(c)), ...ids]);
    const covered = ex.focus.filter((f) => mentions(text, f));
    const coverage = ex.focus.length === 0 ? 1 : covered.length / ex.focus.length;
    const rank = realness + (covered.length > 0 || ex.focus.length === 0 ? 1 : 0) + 0.3 * coverage;
    ranked.push({ ex: r.ex, text, highlights: covered, realness, ids, fallback: false, rank });
    yield;
  }
  // Stable: among equal ranks the first sampled wins.
  ranked.sort((a, b) => b.rank - a.rank);
  const chosen: (Generated | undefined)[] = new Array(examples.length);
  for (const { ex: e, rank: _rank, ...candidate } of ranked) {
    if (chosen[e]) continue;
    const ex = examples[e];
    const grounded = foreignValues(candidate.text, ex.item, vocab.lexiconSet).length === 0;
    if (grounded) chosen[e] = candidate;
    yield;
  }
  return examples.map((ex, e) => chosen[e] ?? fallback(ex));
}

/** The template's text, for an example none of whose candidates passed the checks. */
function fallback(ex: Example): Generated {
  const text = templateDescription(ex.item, ex.focus);
  return { text, highlights: ex.focus.filter((f) => mentions(text, f)), realness: 0, ids: [], fallback: true };
}

/**
 * The best description per example: candidates that name a brand or category the item lacks are
 * dropped (the template is the last resort), the rest ranked by the discriminator's P(real) plus
 * a bonus for naming the focus terms. The work is cut into slices of at most `sliceMs` of
 * synchronous computing, between which the event loop serves other requests. Assumes the
 * bundle's weights no longer change (a loaded version; training samples with `sampleSequences`).
 */
export function generate(bundle: Bundle, examples: Example[], opts: DecodeOptions = DEFAULT_DECODE, sliceMs = 5): Promise<Generated[]> {
  return runYielding(writing(bundle, examples, opts), sliceMs);
}
