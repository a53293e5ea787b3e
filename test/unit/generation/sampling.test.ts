/**
 * The decoder advances all rows of a call together through blocked kernels; what it writes must
 * be what the obvious decoder writes: one row after the other, one token after the other, every
 * logit bound and exact logit computed on its own (the decoder as it was before batching).
 */
import { Bundle, DEFAULT_DECODE, DecodeOptions, generate, sampleSequences } from '../../../src/generation/decode';
import { GeneratorKernel } from '../../../src/generation/kernels';
import { isSlot, itemSlots } from '../../../src/generation/slots';
import { decodingExample, EOS, Example, focusSlot, UNK, Vocabulary } from '../../../src/generation/vocabulary';
import { normaliseTerm } from '../../../src/personalisation/tokenise';
import { seededRandom } from '../../../src/util/random';
import { sampleItems, shippedOrTiny } from './fixtures';

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Shared output words, the example's own slots and its own catalogue words, ascending. */
function allowedIds(vocab: Vocabulary, ex: Example): number[] {
  const unk = vocab.id(UNK);
  const lexiconWordIds = new Map<string, number>();
  for (const term of vocab.json.lexicon) if (!term.includes(' ') && vocab.index.has(term)) lexiconWordIds.set(term, vocab.index.get(term)!);
  const lexiconIds = new Set(lexiconWordIds.values());
  const isOutput = (id: number) => id !== unk && vocab.outputIds.includes(id);
  const shared = [...vocab.outputIds].filter((id) => isOutput(id) && !isSlot(vocab.token(id)) && !lexiconIds.has(id));
  const own = ex.values.filter((v) => vocab.index.has(v.slot)).map((v) => vocab.id(v.slot));
  const terms = new Set(ex.values.map((v) => v.term));
  for (const [term, id] of lexiconWordIds) if (terms.has(term)) own.push(id);
  return [...new Set([...shared, ...own.filter(isOutput)])].sort((a, b) => a - b);
}

/** One row at a time, every token's bound and logit on its own: the reference. */
function referenceRows(g: GeneratorKernel, vocab: Vocabulary, examples: Example[], opts: DecodeOptions): { ex: number; tokens: number[] }[] {
  const eosId = vocab.id(EOS);
  const rows: { ex: number; tokens: number[] }[] = [];
  examples.forEach((ex, e) => {
    const allowed = allowedIds(vocab, ex);
    const focus = new Set(ex.focus.map((f) => focusSlot(ex.values, f)).filter((s): s is string => !!s).map((s) => vocab.id(s)));
    const prefix = new Float32Array(g.hidden);
    for (const c of ex.condition) g.step(vocab.id(c), prefix);
    const base = hashString(`${ex.item.id}|${ex.focus.join(',')}`) ^ opts.seed;
    for (let k = 0; k < opts.candidates; k++) {
      const random = seededRandom(base + k * 7919);
      const h = Float32Array.from(prefix);
      const coords = new Float64Array(g.rank);
      const tokens: number[] = [];
      const trigrams = new Map<number, number[]>();
      let focusWritten = focus.size === 0;
      for (let step = 0; step < opts.maxTokens; step++) {
        const n = tokens.length;
        const last = n > 0 ? tokens[n - 1] : -1;
        const prev = n > 1 ? tokens[n - 2] : -1;
        const boost = focusWritten ? 0 : opts.focusBoost * (1 + step / 4);
        const banned = n >= 2 ? (trigrams.get(prev * vocab.size + last) ?? []) : [];
        const rest = g.leadCoordinates(h, coords);
        const bounded: { id: number; upper: number }[] = [];
        let bestLower = -Infinity;
        for (const i of allowed) {
          if ((i === eosId && n < opts.minTokens) || i === last || (isSlot(vocab.token(i)) && tokens.includes(i)) || banned.includes(i)) continue;
          const lead = g.leadLogit(coords, i);
          const slack = rest * g.residual[i];
          const bonus = boost !== 0 && focus.has(i) ? boost : 0;
          bestLower = Math.max(bestLower, (lead - slack) / opts.temperature + bonus);
          bounded.push({ id: i, upper: (lead + slack) / opts.temperature + bonus });
        }
        const kept = bounded
          .filter((b) => b.upper >= bestLower - Math.log(100))
          .map(({ id }) => ({ id, logit: g.logit(h, id) / opts.temperature + (boost !== 0 && focus.has(id) ? boost : 0) }));
        const max = Math.max(...kept.map((x) => x.logit));
        const weights = kept.map((x) => (x.logit >= max - Math.log(100) ? Math.exp(x.logit - max) : 0));
        let u = random() * weights.reduce((a, b) => a + b, 0);
        let pick = eosId;
        for (let j = 0; j < kept.length; j++) {
          if (weights[j] === 0) continue;
          u -= weights[j];
          if (u <= 0) {
            pick = kept[j].id;
            break;
          }
        }
        if (step === opts.maxTokens - 1) pick = eosId;
        if (n >= 2) trigrams.set(prev * vocab.size + last, [...(trigrams.get(prev * vocab.size + last) ?? []), pick]);
        tokens.push(pick);
        if (focus.has(pick)) focusWritten = true;
        if (pick === eosId) break;
        g.step(pick, h);
      }
      rows.push({ ex: e, tokens });
    }
  });
  return rows;
}

describe('sampling', () => {
  let bundle: Bundle;
  let examples: Example[];
  beforeAll(async () => {
    bundle = await shippedOrTiny();
    const items = sampleItems().filter((i) => i.description);
    const focusOf = (item: (typeof items)[number]) => itemSlots(item).filter((s) => s.slot.startsWith('<tag') || s.slot.startsWith('<cat')).slice(0, 2).map((s) => normaliseTerm(s.surface)!);
    // With and without focus terms, so the boost and its end are both exercised.
    examples = items.slice(0, 14).map((item, i) => decodingExample(item, i % 3 === 2 ? [] : focusOf(item)));
  });
  afterAll(() => {
    bundle.generator.dispose();
    bundle.discriminator.dispose();
  });

  it.each([
    ['as served', DEFAULT_DECODE],
    ['as adversarial training samples (no focus boost, short texts allowed, another seed)', { ...DEFAULT_DECODE, candidates: 4, focusBoost: 0, minTokens: 4, maxTokens: 24, temperature: 1, seed: 17 }],
    ['hot and long', { ...DEFAULT_DECODE, candidates: 3, temperature: 1.3, maxTokens: 60, seed: 5 }],
  ])('writes the tokens the one-row-at-a-time decoder writes, %s', (_label, opts) => {
    const expected = referenceRows(new GeneratorKernel(bundle.generator), bundle.vocab, examples, opts);
    const { rows } = sampleSequences(bundle.generator, bundle.vocab, examples, opts);
    expect(rows).toEqual(expected);
    // Not trivially equal: the rows differ from one another.
    expect(new Set(rows.map((r) => r.tokens.join(','))).size).toBeGreaterThan(examples.length);
  });

  it('writes the same descriptions when calls are in flight together (they share step buffers)', async () => {
    const alone = [await generate(bundle, examples.slice(0, 5)), await generate(bundle, examples.slice(5))];
    // A slice of 0 ms hands the event loop back at every yield, so the two calls interleave.
    const together = await Promise.all([generate(bundle, examples.slice(0, 5), DEFAULT_DECODE, 0), generate(bundle, examples.slice(5), DEFAULT_DECODE, 0)]);
    expect(together).toEqual(alone);
  });
});
