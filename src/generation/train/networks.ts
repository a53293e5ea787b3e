/**
 * The two networks in TensorFlow.js, for training: wide-and-deep scorers (a linear part plus one
 * hidden layer), the policy's over candidate actions, the discriminator's over finished texts.
 * Exported as TensorFlow.js artifacts that serving reads in plain JavaScript (kernels.ts).
 */
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend';
import type { MlpWeights } from '../kernels';
import type { NetworkArtifacts } from '../versions';

export interface NetworkShape {
  inputs: number;
  hidden: number;
  activation: 'tanh' | 'relu';
}

export class Scorer {
  private constructor(
    readonly shape: NetworkShape,
    readonly vars: Record<'linear' | 'w1' | 'b1' | 'w2' | 'b2', TF.Variable>,
  ) {}

  /**
   * A new network whose linear part starts at `linear` (the untrained policy's scoring) and
   * whose hidden layer starts small, so training starts from the fixed policy, not from noise.
   */
  static create(shape: NetworkShape, seed: number, linear?: readonly number[]): Scorer {
    const t = tf();
    const { inputs, hidden } = shape;
    const limit = Math.sqrt(6 / (inputs + hidden));
    return new Scorer(shape, {
      linear: t.variable(linear ? t.tensor1d(Float32Array.from(linear)) : t.zeros([inputs])),
      w1: t.variable(t.randomUniform([inputs, hidden], -limit, limit, 'float32', seed)),
      b1: t.variable(t.zeros([hidden])),
      w2: t.variable(t.randomUniform([hidden], -0.01, 0.01, 'float32', seed + 1)),
      b2: t.variable(t.zeros([1])),
    });
  }

  get variables(): TF.Variable[] {
    return Object.values(this.vars);
  }

  /** Scores of the rows of x [n, inputs]: [n]. */
  apply(x: TF.Tensor2D): TF.Tensor1D {
    const t = tf();
    const v = this.vars;
    const hiddenIn = t.add(t.matMul(x, v.w1), v.b1);
    const h = this.shape.activation === 'tanh' ? t.tanh(hiddenIn) : t.relu(hiddenIn);
    const deep = t.squeeze(t.matMul(h, t.reshape(v.w2, [this.shape.hidden, 1])), [1]);
    const wide = t.squeeze(t.matMul(x, t.reshape(v.linear, [this.shape.inputs, 1])), [1]);
    return t.add<TF.Tensor1D>(t.add(wide, deep), v.b2);
  }

  /** The current weights as plain arrays (sampling during training scores with the serving kernel). */
  weights(): MlpWeights {
    const get = (k: keyof Scorer['vars']) => Float32Array.from(this.vars[k].dataSync() as Float32Array);
    return { ...this.shape, linear: get('linear'), w1: get('w1'), b1: get('b1'), w2: get('w2'), b2: get('b2')[0] };
  }

  async artifacts(format: string): Promise<NetworkArtifacts> {
    const { data, specs } = await tf().io.encodeWeights(this.vars);
    return {
      topology: { format, version: 1, config: this.shape },
      weightSpecs: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })),
      weights: Buffer.from(data),
    };
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
