/**
 * The plain-JavaScript decoding kernels compute what the TensorFlow.js networks compute, and
 * batching changes no text: a description is the same written alone or among others.
 */
import fc from 'fast-check';
import { tf } from '../../../src/generation/backend';
import { Bundle, generate } from '../../../src/generation/decode';
import { DiscriminatorKernel, GeneratorKernel } from '../../../src/generation/kernels';
import { Discriminator, Generator, padBatch } from '../../../src/generation/model';
import { buildLexicon, itemSlots } from '../../../src/generation/slots';
import { buildVocabulary, decodingExample, Example, trainingExample } from '../../../src/generation/vocabulary';
import { normaliseTerm } from '../../../src/personalisation/tokenise';
import { sampleItems } from './fixtures';

const V = 23;

describe('GeneratorKernel', () => {
  const g = Generator.create({ vocabSize: V, embedding: 6, hidden: 10 }, 3);
  const kernel = new GeneratorKernel(g);
  afterAll(() => g.dispose());

  it('reads tokens and scores the vocabulary as Generator.cell and Generator.logits do', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: 1, maxLength: 6 }), (tokens) => {
        const h = new Float32Array(10);
        for (const token of tokens) kernel.step(token, h);
        const [expectedState, expectedLogits] = tf().tidy(() => {
          let state = tf().zeros([1, 10]) as import('@tensorflow/tfjs').Tensor2D;
          for (const token of tokens) state = g.cell(g.project(Int32Array.of(token)), state);
          return [state.dataSync(), g.logits(state).dataSync()];
        });
        h.forEach((x, i) => expect(x).toBeCloseTo(expectedState[i], 5));
        for (let v = 0; v < V; v++) expect(kernel.logit(h, v)).toBeCloseTo(expectedLogits[v], 4);
      }),
      { numRuns: 30 },
    );
  });

  it('bounds every logit by the state along its leading directions', () => {
    const coords = new Float64Array(kernel.rank);
    fc.assert(
      fc.property(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 10, maxLength: 10 }), (state) => {
        const h = Float32Array.from(state);
        const rest = kernel.leadCoordinates(h, coords);
        for (let v = 0; v < V; v++) expect(Math.abs(kernel.logit(h, v) - kernel.leadLogit(coords, v))).toBeLessThanOrEqual(rest * kernel.residual[v]);
      }),
      { numRuns: 50 },
    );
  });

  it('advances rows together exactly as one at a time, whatever rows share a pass', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: V - 1 }), fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 10, maxLength: 10 })), { minLength: 1, maxLength: 11 }), (rows) => {
        const states = Float32Array.from(rows.flatMap(([, state]) => state));
        const order = Int32Array.from(rows.keys()).reverse();
        kernel.stepRows(states, order, Int32Array.from(order, (r) => rows[r][0]), 0, order.length);
        rows.forEach(([token, state], r) => {
          const alone = Float32Array.from(state);
          kernel.step(token, alone);
          expect(Array.from(states.subarray(r * 10, r * 10 + 10))).toEqual(Array.from(alone));
        });
      }),
      { numRuns: 30 },
    );
  });

  it('computes logits for many tokens exactly as one at a time', () => {
    // Hidden 12 takes the four-tokens-a-pass path, hidden 10 the one-at-a-time one.
    const g12 = Generator.create({ vocabSize: V, embedding: 6, hidden: 12 }, 4);
    for (const k of [kernel, new GeneratorKernel(g12)]) {
      fc.assert(
        fc.property(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: k.hidden, maxLength: k.hidden }), fc.array(fc.integer({ min: 0, max: V - 1 }), { maxLength: 13 }), (state, tokens) => {
          const h = Float64Array.from(state);
          const out = new Float64Array(tokens.length);
          k.logits(h, Int32Array.from(tokens), tokens.length, out);
          expect(Array.from(out)).toEqual(tokens.map((t) => k.logit(h, t)));
        }),
        { numRuns: 50 },
      );
    }
    g12.dispose();
  });

  it('keeps, for several rows at once, every token whose upper bound is within reach of the best lower bound', () => {
    // Hidden 10 bounds with the 8 leading directions (two rows a pass), hidden 6 with all 6 (one row a pass).
    const g6 = Generator.create({ vocabSize: V, embedding: 6, hidden: 6 }, 8);
    for (const k of [kernel, new GeneratorKernel(g6)]) {
      fc.assert(
        fc.property(
          fc.array(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: k.hidden, maxLength: k.hidden }), { minLength: 1, maxLength: 4 }),
          fc.uniqueArray(fc.integer({ min: 0, max: V - 1 }), { minLength: 1 }),
          fc.double({ min: 0, max: 3, noNaN: true }),
          (states, tokens, reach) => {
            const R = states.length;
            const n = tokens.length;
            const coords = new Float64Array(R * k.rank);
            const rests = Float64Array.from(states, (state, r) => k.leadCoordinates(Float32Array.from(state), coords, 0, r * k.rank));
            const kept = new Int32Array(R * n);
            const keptUpper = new Float64Array(R * n);
            const counts = new Int32Array(R);
            const best = new Float64Array(R);
            const bestAt = new Int32Array(R);
            k.leadCandidates(Int32Array.from(tokens), R, coords, rests, reach, kept, keptUpper, counts, best, bestAt);
            for (let r = 0; r < R; r++) {
              const one = new Float64Array(k.rank);
              const rest = k.leadCoordinates(Float32Array.from(states[r]), one);
              const upper = tokens.map((t) => k.leadLogit(one, t) + rest * k.residual[t]);
              const lower = tokens.map((t) => k.leadLogit(one, t) - rest * k.residual[t]);
              const max = Math.max(...lower);
              expect(best[r]).toBe(max);
              expect(lower[bestAt[r]]).toBe(max);
              const positions = Array.from(kept.subarray(r * n, r * n + counts[r]));
              expect(positions).toEqual([...positions].sort((x, y) => x - y));
              positions.forEach((a, j) => expect(keptUpper[r * n + j]).toBe(upper[a]));
              upper.forEach((u, a) => {
                if (u >= max - reach) expect(positions).toContain(a);
              });
            }
          },
        ),
        { numRuns: 50 },
      );
    }
    g6.dispose();
  });
});

describe('DiscriminatorKernel', () => {
  // 4 filters take the four-filters-a-pass path only, 6 the one-filter path for the last two.
  const networks = [4, 6].map((filters) => Discriminator.create({ vocabSize: V, embedding: 5, filters }, 9));
  afterAll(() => networks.forEach((d) => d.dispose()));

  it.each([0, 1])('scores one sequence as Discriminator.logit scores a batch of one (network %i)', (n) => {
    const d = networks[n];
    const kernel = new DiscriminatorKernel(d);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: V - 1 }), { minLength: 1, maxLength: 12 }), (seq) => {
        const { ids, mask, batch, time } = padBatch([seq], 0);
        const expected = tf().tidy(() => d.logit(ids, mask, batch, time).dataSync()[0]);
        expect(kernel.logit(seq)).toBeCloseTo(expected, 4);
      }),
      { numRuns: 30 },
    );
  });
});

describe('batched decoding', () => {
  it('writes the same text for an item alone as in a batch with others', async () => {
    // Untrained networks are enough: what is checked is that rows never see each other.
    const items = sampleItems().filter((i) => i.description);
    const vocab = buildVocabulary(items.map((i) => trainingExample(i, 16)).filter((e): e is Example => e !== null), items, buildLexicon(items), 150);
    const bundle: Bundle = {
      version: 'untrained',
      vocab,
      generator: Generator.create({ vocabSize: vocab.size, embedding: 8, hidden: 12 }, 5),
      discriminator: Discriminator.create({ vocabSize: vocab.size, embedding: 6, filters: 4 }, 6),
    };
    const examples = items.slice(0, 8).map((item) => decodingExample(item, itemSlots(item).filter((s) => s.slot.startsWith('<tag')).slice(0, 2).map((s) => normaliseTerm(s.surface)!)));
    const batched = await generate(bundle, examples);
    const alone = [];
    for (const ex of examples) alone.push(...(await generate(bundle, [ex])));
    expect(alone.map((g) => g.text)).toEqual(batched.map((g) => g.text));
    expect(batched.filter((g) => !g.fallback).length).toBeGreaterThan(0);
    bundle.generator.dispose();
    bundle.discriminator.dispose();
  });
});
