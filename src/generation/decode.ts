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
  /** Output ids every text may write (no slots, no brand or category words, no <unk>). */
  shared: number[];
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
  const shared = [...vocab.outputIds].filter((id) => isOutput[id] && !isSlotId[id] && !lexiconIds.has(id));
  tables = { isSlotId, isOutput, shared, lexiconWordIds };
  vocabularyTables.set(vocab, tables);
  return tables;
}

/** The ids one example may write, ascending: shared words, its own slots and its own catalogue words. */
function allowedIds(vocab: Vocabulary, ex: Example): Int32Array {
  const { shared, isOutput, lexiconWordIds } = tablesOf(vocab);
  const own: number[] = [];
  for (const v of ex.values) if (vocab.index.has(v.slot)) own.push(vocab.id(v.slot));
  // A word that is itself a brand or category of the catalogue may be written only if the item has it.
  const terms = new Set(ex.values.map((v) => v.term));
  for (const [term, id] of lexiconWordIds) if (terms.has(term)) own.push(id);
  return Int32Array.from(new Set([...shared, ...own.filter((id) => isOutput[id])])).sort();
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

/**
 * Samples `candidates` sequences per example. Every row is written on its own (its own state
 * and seeded random numbers), so a text is the same whatever else shares the batch; the
 * conditioning prefix is read once per example. Yields after every token.
 */
function* sampling(g: GeneratorKernel, vocab: Vocabulary, examples: Example[], opts: DecodeOptions): Steps<RowState[]> {
  const { isSlotId } = tablesOf(vocab);
  const eosId = vocab.id(EOS);
  const H = g.hidden;
  const rows: RowState[] = [];
  // Per candidate-token scratch (reused): the ids that may follow and their scaled logits.
  const maxIds = vocab.size;
  const ids = new Int32Array(maxIds);
  const weights = new Float64Array(maxIds);
  const coords = new Float64Array(g.rank);
  for (let e = 0; e < examples.length; e++) {
    const ex = examples[e];
    const allowed = allowedIds(vocab, ex);
    const focus = new Set(ex.focus.map((f) => focusSlot(ex.values, f)).filter((s): s is string => !!s).map((s) => vocab.id(s)));
    const prefix = new Float32Array(H);
    for (const c of ex.condition) g.step(vocab.id(c), prefix);
    yield;
    const base = hashString(`${ex.item.id}|${ex.focus.join(',')}`) ^ opts.seed;
    for (let k = 0; k < opts.candidates; k++) {
      const random = seededRandom(base + k * 7919);
      const h = Float32Array.from(prefix);
      const tokens: number[] = [];
      const slotsUsed = new Set<number>();
      /** Next tokens already written after each pair of tokens: no trigram twice. */
      const trigrams = new Map<number, number[]>();
      let focusWritten = focus.size === 0;
      for (let step = 0; step < opts.maxTokens; step++) {
        const n = tokens.length;
        const last = n > 0 ? tokens[n - 1] : -1;
        const prev = n > 1 ? tokens[n - 2] : -1;
        const boost = focusWritten ? 0 : opts.focusBoost * (1 + step / 4);
        const banned = n >= 2 ? trigrams.get(prev * maxIds + last) : undefined;
        // Truncated sampling: tokens 100x less likely than the best are never drawn. Bounds on
        // every logit from the state's leading directions rule most tokens out before their
        // exact logit is computed; the draw is the same as from all exact logits.
        const rest = g.leadCoordinates(h, coords);
        let m = 0;
        let bestLower = -Infinity;
        for (let a = 0; a < allowed.length; a++) {
          const i = allowed[a];
          if (i === eosId && n < opts.minTokens) continue;
          if (i === last) continue;
          if (isSlotId[i] && slotsUsed.has(i)) continue;
          if (banned !== undefined && banned.includes(i)) continue;
          const lead = g.leadLogit(coords, i);
          const slack = rest * g.residual[i];
          const bonus = boost !== 0 && focus.has(i) ? boost : 0;
          const lower = (lead - slack) / opts.temperature + bonus;
          if (lower > bestLower) bestLower = lower;
          ids[m] = i;
          weights[m++] = (lead + slack) / opts.temperature + bonus;
        }
        const cut = bestLower - Math.log(100);
        let kept = 0;
        let max = -Infinity;
        for (let j = 0; j < m; j++) {
          if (weights[j] < cut) continue;
          const i = ids[j];
          let l = g.logit(h, i) / opts.temperature;
          if (boost !== 0 && focus.has(i)) l += boost;
          ids[kept] = i;
          weights[kept++] = l;
          if (l > max) max = l;
        }
        m = kept;
        const floor = max - Math.log(100);
        let total = 0;
        for (let j = 0; j < m; j++) {
          const p = weights[j] >= floor ? Math.exp(weights[j] - max) : 0;
          weights[j] = p;
          total += p;
        }
        let u = random() * total;
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
          const key = prev * maxIds + last;
          const next = trigrams.get(key);
          if (next) next.push(pick);
          else trigrams.set(key, [pick]);
        }
        tokens.push(pick);
        if (isSlotId[pick]) slotsUsed.add(pick);
        if (focus.has(pick)) focusWritten = true;
        if (pick === eosId) break;
        g.step(pick, h);
        yield;
      }
      rows.push({ ex: e, tokens });
    }
  }
  return rows;
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
  const best: (Generated & { rank: number })[] = examples.map((ex) => {
    const text = templateDescription(ex.item, ex.focus);
    return { text, highlights: ex.focus.filter((f) => mentions(text, f)), realness: 0, ids: [], fallback: true, rank: -Infinity };
  });
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
  for (const { ex: e, ...candidate } of ranked) {
    if (!best[e].fallback) continue;
    const ex = examples[e];
    const grounded = foreignValues(candidate.text, ex.item, vocab.lexiconSet).length === 0;
    if (grounded) best[e] = candidate;
    yield;
  }
  return best.map(({ rank: _rank, ...g }) => g);
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
