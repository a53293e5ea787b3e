/**
 * Writing descriptions with a trained bundle: several sampled candidates per item, all items and
 * candidates in one batch; slots filled only from the item's own values; candidates ranked by
 * the discriminator's score and by coverage of the focus terms.
 */
import type * as TF from '@tensorflow/tfjs';
import { seededRandom } from '../util/random';
import { tf } from './backend';
import type { Discriminator, Generator } from './model';
import { foreignValues, isSlot, mentions } from './slots';
import { hasRepeatedTrigram, renderTokens } from './text';
import { templateDescription } from './template';
import { EOS, Example, focusSlot, PAD, UNK, Vocabulary } from './vocabulary';

export interface Bundle {
  version: string;
  generator: Generator;
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

interface RowState {
  ex: number;
  random: () => number;
  tokens: number[];
  done: boolean;
  focusWritten: boolean;
  slotsUsed: Set<number>;
  /** Next tokens already written after each pair of tokens ("a,b" -> {c}): no trigram twice. */
  trigrams: Map<string, Set<number>>;
}

/**
 * Samples `candidates` sequences per example in one batch. `sample` mode (training) returns every
 * sequence unranked; otherwise see `generate`.
 */
export function sampleSequences(g: Generator, vocab: Vocabulary, examples: Example[], opts: DecodeOptions): { rows: RowState[] } {
  const t = tf();
  const K = opts.candidates;
  const V = vocab.size;
  const padId = vocab.id(PAD);
  const eosId = vocab.id(EOS);
  // Per example: which output ids are allowed, and which are its focus slots.
  const allowed: Uint8Array[] = [];
  const focusIds: Set<number>[] = [];
  const slotIds = new Set<number>();
  for (let i = 0; i < V; i++) if (isSlot(vocab.token(i))) slotIds.add(i);
  const isSlotId = new Uint8Array(V);
  for (const i of slotIds) isSlotId[i] = 1;
  const lexiconWordIds = new Map<string, number>();
  for (const term of vocab.json.lexicon) if (!term.includes(' ') && vocab.index.has(term)) lexiconWordIds.set(term, vocab.index.get(term)!);
  for (const ex of examples) {
    const a = new Uint8Array(V);
    for (const id of vocab.outputIds) a[id] = 1;
    a[vocab.id(UNK)] = 0;
    for (const id of slotIds) a[id] = 0;
    for (const v of ex.values) if (vocab.index.has(v.slot)) a[vocab.id(v.slot)] = 1;
    // A word that is itself a brand or category of the catalogue may be written only if the item has it.
    const own = new Set(ex.values.map((v) => v.term));
    for (const [term, id] of lexiconWordIds) if (!own.has(term)) a[id] = 0;
    allowed.push(a);
    focusIds.push(new Set(ex.focus.map((f) => focusSlot(ex.values, f)).filter((s): s is string => !!s).map((s) => vocab.id(s))));
  }
  const rows: RowState[] = [];
  examples.forEach((ex, e) => {
    const base = hashString(`${ex.item.id}|${ex.focus.join(',')}`) ^ opts.seed;
    for (let k = 0; k < K; k++) {
      rows.push({ ex: e, random: seededRandom(base + k * 7919), tokens: [], done: false, focusWritten: focusIds[e].size === 0, slotsUsed: new Set(), trigrams: new Map() });
    }
  });
  const R = rows.length;
  const H = g.config.hidden;
  // Prefix: each example's conditioning once, then its state copied to its K candidates.
  const prefixes = examples.map((ex) => ex.condition.map((c) => vocab.id(c)));
  const P = Math.max(...prefixes.map((p) => p.length));
  let h = t.zeros([examples.length, H]) as TF.Tensor2D;
  for (let step = 0; step < P; step++) {
    const tokens = Int32Array.from(prefixes.map((p) => (step < p.length ? p[step] : padId)));
    const live = Float32Array.from(prefixes.map((p) => (step < p.length ? 1 : 0)));
    const next = t.tidy(() => {
      const hn = g.cell(g.project(tokens), h);
      const m = t.tensor2d(live, [examples.length, 1]);
      return t.add(t.mul(hn, m), t.mul(h, t.sub(1, m))) as TF.Tensor2D;
    });
    h.dispose();
    h = next;
  }
  const expand = t.tensor1d(Int32Array.from(rows.map((r) => r.ex)), 'int32');
  let hr = t.gather(h, expand) as TF.Tensor2D;
  h.dispose();
  expand.dispose();
  const probs = new Float64Array(V);
  for (let step = 0; step < opts.maxTokens && rows.some((r) => !r.done); step++) {
    const logits = t.tidy(() => g.logits(hr).dataSync() as Float32Array);
    const chosen = new Int32Array(R).fill(padId);
    for (let r = 0; r < R; r++) {
      const row = rows[r];
      if (row.done) continue;
      const a = allowed[row.ex];
      const off = r * V;
      const n = row.tokens.length;
      const last = n > 0 ? row.tokens[n - 1] : -1;
      const prev = n > 1 ? row.tokens[n - 2] : -1;
      const boost = row.focusWritten ? 0 : opts.focusBoost * (1 + step / 4);
      const banned = n >= 2 ? row.trigrams.get(`${prev},${last}`) : undefined;
      const focus = focusIds[row.ex];
      let max = -Infinity;
      for (let i = 0; i < V; i++) {
        probs[i] = -Infinity;
        if (!a[i]) continue;
        if (i === eosId && n < opts.minTokens) continue;
        if (i === last) continue;
        if (isSlotId[i] && row.slotsUsed.has(i)) continue;
        if (banned !== undefined && banned.has(i)) continue;
        let l = logits[off + i] / opts.temperature;
        if (boost !== 0 && focus.has(i)) l += boost;
        probs[i] = l;
        if (l > max) max = l;
      }
      // Truncated sampling: tokens 100x less likely than the best are never drawn.
      const floor = max - Math.log(100);
      let total = 0;
      for (let i = 0; i < V; i++) {
        const p = probs[i] >= floor ? Math.exp(probs[i] - max) : 0;
        probs[i] = p;
        total += p;
      }
      let u = row.random() * total;
      let pick = eosId;
      for (let i = 0; i < V; i++) {
        if (probs[i] === 0) continue;
        u -= probs[i];
        if (u <= 0) {
          pick = i;
          break;
        }
      }
      if (step === opts.maxTokens - 1) pick = eosId;
      if (n >= 2) {
        const key = `${prev},${last}`;
        const set = row.trigrams.get(key) ?? new Set<number>();
        set.add(pick);
        row.trigrams.set(key, set);
      }
      row.tokens.push(pick);
      if (slotIds.has(pick)) row.slotsUsed.add(pick);
      if (focusIds[row.ex].has(pick)) row.focusWritten = true;
      if (pick === eosId) row.done = true;
      chosen[r] = pick;
    }
    const live = Float32Array.from(chosen, (c) => (c === padId ? 0 : 1));
    const next = t.tidy(() => {
      const hn = g.cell(g.project(chosen), hr);
      const m = t.tensor2d(live, [R, 1]);
      return t.add(t.mul(hn, m), t.mul(hr, t.sub(1, m))) as TF.Tensor2D;
    });
    hr.dispose();
    hr = next;
  }
  hr.dispose();
  return { rows };
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

/**
 * The best description per example: candidates that name a brand or category the item lacks are
 * dropped (the template is the last resort), the rest ranked by the discriminator's P(real) plus
 * a bonus for naming the focus terms.
 */
export function generate(bundle: Bundle, examples: Example[], opts: DecodeOptions = DEFAULT_DECODE): Generated[] {
  if (examples.length === 0) return [];
  const { generator, discriminator, vocab } = bundle;
  const { rows } = sampleSequences(generator, vocab, examples, opts);
  const padId = vocab.id(PAD);
  const eosId = vocab.id(EOS);
  const rendered = rows.map((r) => {
    const ex = examples[r.ex];
    const tokens = endAtSentence(r.tokens.map((id) => vocab.token(id)));
    const text = lexicalise(tokens, ex, vocab);
    const ids = [...tokens.map((x) => vocab.id(x)), eosId];
    return { text, ids, seq: [...ex.condition.map((c) => vocab.id(c)), ...ids] };
  });
  const realness = discriminator.score(rendered.map((r) => r.seq), padId);
  const best: (Generated & { rank: number })[] = examples.map((ex) => ({
    text: templateDescription(ex.item, ex.focus),
    highlights: ex.focus.filter((f) => mentions(templateDescription(ex.item, ex.focus), f)),
    realness: 0,
    ids: [],
    fallback: true,
    rank: -Infinity,
  }));
  rows.forEach((r, i) => {
    const ex = examples[r.ex];
    const { text, ids } = rendered[i];
    if (text.split(' ').length < 4 || hasRepeatedTrigram(text)) return;
    if (foreignValues(text, ex.item, vocab.lexiconSet).length > 0) return;
    const covered = ex.focus.filter((f) => mentions(text, f));
    const coverage = ex.focus.length === 0 ? 1 : covered.length / ex.focus.length;
    const rank = realness[i] + (covered.length > 0 || ex.focus.length === 0 ? 1 : 0) + 0.3 * coverage;
    if (rank > best[r.ex].rank) best[r.ex] = { text, highlights: covered, realness: realness[i], ids, fallback: false, rank };
  });
  return best.map(({ rank: _rank, ...g }) => g);
}
