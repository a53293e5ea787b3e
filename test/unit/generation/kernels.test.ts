/**
 * The plain-JavaScript decoding kernels compute what the TensorFlow.js networks compute, and
 * batching changes no text: a description is the same written alone or among others.
 */
import fc from 'fast-check';
import { tf } from '../../../src/generation/backend';
import { generate } from '../../../src/generation/decode';
import { DiscriminatorKernel, GeneratorKernel } from '../../../src/generation/kernels';
import { Discriminator, Generator, padBatch } from '../../../src/generation/model';
import { itemSlots } from '../../../src/generation/slots';
import { asBundle } from '../../../src/generation/store';
import { decodingExample } from '../../../src/generation/vocabulary';
import { normaliseTerm } from '../../../src/personalisation/tokenise';
import { sampleItems, trainTiny } from './fixtures';

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
});

describe('DiscriminatorKernel', () => {
  const d = Discriminator.create({ vocabSize: V, embedding: 5, filters: 4 }, 9);
  const kernel = new DiscriminatorKernel(d);
  afterAll(() => d.dispose());

  it('scores one sequence as Discriminator.logit scores a batch of one', () => {
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
    const bundle = asBundle(trainTiny(2));
    const examples = sampleItems()
      .filter((i) => i.description)
      .slice(0, 6)
      .map((item) => decodingExample(item, itemSlots(item).filter((s) => s.slot.startsWith('<tag')).slice(0, 2).map((s) => normaliseTerm(s.surface)!)));
    const batched = await generate(bundle, examples);
    const alone = [];
    for (const ex of examples) alone.push(...(await generate(bundle, [ex])));
    expect(alone.map((g) => g.text)).toEqual(batched.map((g) => g.text));
  });
});
