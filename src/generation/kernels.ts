/**
 * The networks' inference in plain JavaScript over typed arrays: a policy scores a handful of
 * candidate actions per step and the discriminator a handful of texts per request, where
 * TensorFlow.js's per-call dispatch would cost more than the arithmetic. The same maths as the
 * TensorFlow.js networks of train/networks.ts, checked against them in
 * test/unit/generation/kernels.test.ts. Both networks are "wide and deep": a linear part plus one
 * hidden layer, score(x) = linear . x + w2 . act(W1 x + b1) + b2.
 */

export interface MlpWeights {
  inputs: number;
  hidden: number;
  activation: 'tanh' | 'relu';
  /** [inputs] */
  linear: Float32Array;
  /** [inputs, hidden], row-major */
  w1: Float32Array;
  /** [hidden] */
  b1: Float32Array;
  /** [hidden] */
  w2: Float32Array;
  b2: number;
}

/** The score of one input vector (its first `inputs` values). */
export function mlpScore(m: MlpWeights, x: ArrayLike<number>, offset = 0): number {
  let out = m.b2;
  for (let i = 0; i < m.inputs; i++) out += m.linear[i] * x[offset + i];
  for (let h = 0; h < m.hidden; h++) {
    let z = m.b1[h];
    for (let i = 0; i < m.inputs; i++) z += x[offset + i] * m.w1[i * m.hidden + h];
    const a = m.activation === 'tanh' ? Math.tanh(z) : z > 0 ? z : 0;
    out += m.w2[h] * a;
  }
  return out;
}

/** Scores of `rows` input vectors laid out one after another. */
export function mlpScores(m: MlpWeights, x: ArrayLike<number>, rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = mlpScore(m, x, r * m.inputs);
  return out;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** A network with only its linear part (the untrained policy's fixed scoring). */
export function linearOnly(linear: ArrayLike<number>, activation: MlpWeights['activation'] = 'tanh'): MlpWeights {
  return {
    inputs: linear.length,
    hidden: 0,
    activation,
    linear: Float32Array.from(linear),
    w1: new Float32Array(0),
    b1: new Float32Array(0),
    w2: new Float32Array(0),
    b2: 0,
  };
}
