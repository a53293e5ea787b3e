/**
 * The plain-JavaScript kernels serving uses give the same scores as the TensorFlow.js networks
 * training fits, both for a network in memory and for one exported and read back as artifacts.
 */
import { tf } from '../../../src/generation/backend';
import { DISCRIMINATOR_INPUTS, POLICY_INPUTS, DEFAULT_POLICY } from '../../../src/generation/features';
import { linearOnly, mlpScore, mlpScores } from '../../../src/generation/kernels';
import { Scorer } from '../../../src/generation/train/networks';
import { decodeWeights, DISCRIMINATOR_FORMAT, POLICY_FORMAT, toMlp } from '../../../src/generation/versions';
import { seededRandom } from '../../../src/util/random';

describe('kernels', () => {
  it('score like the TensorFlow.js networks (tanh policy, relu discriminator), before and after export', async () => {
    const random = seededRandom(3);
    for (const [inputs, activation, format] of [
      [POLICY_INPUTS, 'tanh', POLICY_FORMAT],
      [DISCRIMINATOR_INPUTS, 'relu', DISCRIMINATOR_FORMAT],
    ] as const) {
      const net = Scorer.create(
        { inputs, hidden: 8, activation },
        5,
        Array.from({ length: inputs }, () => random() - 0.5),
      );
      // Give the hidden layer weight, so the deep half is tested too.
      net.vars.w2.assign(tf().randomNormal([8], 0, 1, 'float32', 9));
      net.vars.b1.assign(tf().randomNormal([8], 0, 0.5, 'float32', 10));
      const rows = 20;
      const x = Float32Array.from({ length: rows * inputs }, () => random() * 2 - 1);
      const expected = net.apply(tf().tensor2d(x, [rows, inputs])).dataSync();
      const fromMemory = mlpScores(net.weights(), x, rows);
      const fromArtifacts = mlpScores(toMlp(await net.artifacts(format), format), x, rows);
      for (let r = 0; r < rows; r++) {
        expect(fromMemory[r]).toBeCloseTo(expected[r], 4);
        expect(fromArtifacts[r]).toBeCloseTo(expected[r], 4);
      }
      net.dispose();
    }
  });

  it('score a linear policy by hand: w . x', () => {
    const m = linearOnly([1, 2, -3]);
    expect(mlpScore(m, [2, 0.5, 1])).toBeCloseTo(2 + 1 - 3);
    expect(linearOnly(DEFAULT_POLICY).inputs).toBe(POLICY_INPUTS);
  });

  it('decode float32 weights as TensorFlow.js lays them out, and refuse a buffer of the wrong size', () => {
    const buf = Buffer.from(new Float32Array([1, 2, 3, 4, 5]).buffer);
    const w = decodeWeights(
      [
        { name: 'a', shape: [2, 2], dtype: 'float32' },
        { name: 'b', shape: [1], dtype: 'float32' },
      ],
      buf,
    );
    expect([...w.get('a')!]).toEqual([1, 2, 3, 4]);
    expect([...w.get('b')!]).toEqual([5]);
    expect(() => decodeWeights([{ name: 'a', shape: [2], dtype: 'float32' }], buf)).toThrow(/bytes/);
  });
});
