/**
 * The two networks, written with TensorFlow.js core ops so training and step-by-step decoding
 * share one set of weights and the hot loops stay cheap on the CPU backend:
 * - Generator: token embedding -> one GRU layer -> softmax over the vocabulary; the conditioning
 *   tokens are read first (a prefix), then the description is written token by token.
 * - Discriminator: embedding -> 1-D convolutions (widths 3 and 5) -> max and mean pooling over
 *   time -> logistic output: P(real | conditioning, text), as the CNN discriminator of SeqGAN.
 * Weights are saved and loaded as TensorFlow.js ModelArtifacts through any IOHandler.
 */
import type * as TF from '@tensorflow/tfjs';
import { tf } from './backend';
import { DiscriminatorKernel } from './kernels';

export interface GeneratorConfig {
  vocabSize: number;
  embedding: number;
  hidden: number;
}

export interface DiscriminatorConfig {
  vocabSize: number;
  embedding: number;
  filters: number;
}

type Named = Record<string, TF.Variable>;

/**
 * Row gather with a scatter-add gradient computed in plain JavaScript: the CPU backend's own
 * gather gradient (unsorted segment sum) took over a minute for one embedding batch.
 */
export function gatherRows(x: TF.Tensor2D, idx: Int32Array): TF.Tensor2D {
  const t = tf();
  const [rows, cols] = x.shape;
  const f = t.customGrad(((input: TF.Tensor) => {
    const value = t.gather(input as TF.Tensor2D, t.tensor1d(idx, 'int32')) as TF.Tensor2D;
    const gradFunc = (dy: TF.Tensor) => {
      const d = dy.dataSync() as Float32Array;
      const out = new Float32Array(rows * cols);
      for (let n = 0; n < idx.length; n++) {
        const src = n * cols;
        const dst = idx[n] * cols;
        for (let c = 0; c < cols; c++) out[dst + c] += d[src + c];
      }
      return t.tensor2d(out, [rows, cols]);
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof t.customGrad>[0]);
  return f(x) as TF.Tensor2D;
}

/**
 * sum_i w_i * -log softmax(logits_i)[target_i], with its gradient (softmax - one-hot) * w
 * computed in one pass of plain JavaScript: the composed tf ops cost several times more.
 */
export function weightedCrossEntropy(logits: TF.Tensor2D, targets: Int32Array, weights: Float32Array): TF.Scalar {
  const t = tf();
  const [n, v] = logits.shape;
  const f = t.customGrad(((input: TF.Tensor) => {
    const x = input.dataSync() as Float32Array;
    const probs = new Float32Array(n * v);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const off = i * v;
      let max = -Infinity;
      for (let j = 0; j < v; j++) if (x[off + j] > max) max = x[off + j];
      let sum = 0;
      for (let j = 0; j < v; j++) {
        const e = Math.exp(x[off + j] - max);
        probs[off + j] = e;
        sum += e;
      }
      for (let j = 0; j < v; j++) probs[off + j] /= sum;
      loss += weights[i] * (Math.log(sum) + max - x[off + targets[i]]);
    }
    const value = t.scalar(loss);
    const gradFunc = (dy: TF.Tensor) => {
      const g = dy.dataSync()[0];
      for (let i = 0; i < n; i++) {
        const off = i * v;
        const w = weights[i] * g;
        for (let j = 0; j < v; j++) probs[off + j] *= w;
        probs[off + targets[i]] -= w;
      }
      return t.tensor2d(probs, [n, v]);
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof t.customGrad>[0]);
  return f(logits) as TF.Scalar;
}

function glorot(shape: number[], seed: number): TF.Tensor {
  const fanIn = shape.length > 1 ? shape[shape.length - 2] : shape[0];
  const fanOut = shape[shape.length - 1];
  return tf().randomUniform(shape, -Math.sqrt(6 / (fanIn + fanOut)), Math.sqrt(6 / (fanIn + fanOut)), 'float32', seed);
}

async function toArtifacts(kind: string, config: object, vars: Named): Promise<TF.io.ModelArtifacts> {
  const { data, specs } = await tf().io.encodeWeights(vars);
  return {
    modelTopology: { format: `tailor-${kind}`, version: 1, config } as unknown as TF.io.ModelArtifacts['modelTopology'],
    format: `tailor-${kind}`,
    generatedBy: `TensorFlow.js ${tf().version.tfjs}`,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
  };
}

function fromArtifacts(kind: string, artifacts: TF.io.ModelArtifacts): { config: Record<string, number>; weights: Record<string, TF.Tensor> } {
  const topology = artifacts.modelTopology as unknown as { format: string; config: Record<string, number> };
  if (!topology || topology.format !== `tailor-${kind}`) throw new Error(`not a tailor ${kind}: ${topology?.format}`);
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new Error(`${kind} artifacts carry no weights`);
  const data = Array.isArray(artifacts.weightData) ? tf().io.concatenateArrayBuffers(artifacts.weightData) : artifacts.weightData;
  return { config: topology.config, weights: tf().io.decodeWeights(data, artifacts.weightSpecs) };
}

abstract class Network<C extends object> {
  constructor(
    readonly config: C,
    readonly vars: Named,
  ) {}

  get variables(): TF.Variable[] {
    return Object.values(this.vars);
  }

  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  /** Copies the current weights (a snapshot for the pre-training-only model). */
  snapshot(): Record<string, TF.Tensor> {
    return Object.fromEntries(Object.entries(this.vars).map(([k, v]) => [k, v.clone()]));
  }

  assign(weights: Record<string, TF.Tensor>): void {
    for (const [k, v] of Object.entries(this.vars)) v.assign(weights[k]);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

export class Generator extends Network<GeneratorConfig> {
  static create(config: GeneratorConfig, seed: number): Generator {
    const t = tf();
    const { vocabSize: V, embedding: E, hidden: H } = config;
    // One matrix per gate: slicing a [*, 3H] product along its columns is slow on the CPU backend.
    return new Generator(config, {
      emb: t.variable(t.randomNormal([V, E], 0, 0.1, 'float32', seed)),
      wxz: t.variable(glorot([E, H], seed + 1)),
      wxr: t.variable(glorot([E, H], seed + 2)),
      wxn: t.variable(glorot([E, H], seed + 3)),
      whz: t.variable(glorot([H, H], seed + 4)),
      whr: t.variable(glorot([H, H], seed + 5)),
      whn: t.variable(glorot([H, H], seed + 6)),
      bz: t.variable(t.zeros([H])),
      br: t.variable(t.zeros([H])),
      bn: t.variable(t.zeros([H])),
      wo: t.variable(glorot([H, V], seed + 7)),
      bo: t.variable(t.zeros([V])),
    });
  }

  static fromArtifacts(artifacts: TF.io.ModelArtifacts): Generator {
    const { config, weights } = fromArtifacts('generator', artifacts);
    const t = tf();
    const vars = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, t.variable(v, true, undefined)]));
    return new Generator(config as unknown as GeneratorConfig, vars);
  }

  artifacts(): Promise<TF.io.ModelArtifacts> {
    return toArtifacts('generator', this.config, this.vars);
  }

  /** One GRU step (reset gate applied after the recurrent product), given the input projections. */
  cell(x: Projection, h: TF.Tensor2D): TF.Tensor2D {
    const t = tf();
    const v = this.vars;
    const z = t.sigmoid(t.add(x.z, t.matMul(h, v.whz)));
    const r = t.sigmoid(t.add(x.r, t.matMul(h, v.whr)));
    const n = t.tanh(t.add(x.n, t.mul(r, t.matMul(h, v.whn))));
    return t.add(n, t.mul(z, t.sub(h, n))) as TF.Tensor2D;
  }

  private projectRows(x: TF.Tensor2D): Projection {
    const t = tf();
    const v = this.vars;
    return {
      z: t.add(t.matMul(x, v.wxz), v.bz) as TF.Tensor2D,
      r: t.add(t.matMul(x, v.wxr), v.br) as TF.Tensor2D,
      n: t.add(t.matMul(x, v.wxn), v.bn) as TF.Tensor2D,
    };
  }

  /**
   * Hidden states after each input token. `ids` is row-major [batch, time]; the result is
   * time-major [time * batch, hidden] (row t * batch + b), because per-step slices of a
   * time-major tensor are contiguous and cheap.
   */
  states(ids: Int32Array, batch: number, time: number): TF.Tensor2D {
    const t = tf();
    const H = this.config.hidden;
    const timeMajor = new Int32Array(ids.length);
    for (let b = 0; b < batch; b++) for (let s = 0; s < time; s++) timeMajor[s * batch + b] = ids[b * time + s];
    const all = this.projectRows(gatherRows(this.vars.emb as unknown as TF.Tensor2D, timeMajor));
    let h = t.zeros([batch, H]) as TF.Tensor2D;
    const hs: TF.Tensor2D[] = [];
    for (let s = 0; s < time; s++) {
      const at = (m: TF.Tensor2D) => t.slice(m, [s * batch, 0], [batch, H]) as TF.Tensor2D;
      h = this.cell({ z: at(all.z), r: at(all.r), n: at(all.n) }, h);
      hs.push(h);
    }
    return t.concat(hs, 0) as TF.Tensor2D;
  }

  /**
   * Summed cross-entropy of the given target tokens, each weighted (1/N for maximum likelihood,
   * the advantage for policy gradient). `positions` index the row-major [batch, time] input.
   */
  weightedNll(ids: Int32Array, batch: number, time: number, positions: Int32Array, targets: Int32Array, weights: Float32Array, dropout = 0): TF.Scalar {
    const t = tf();
    const rows = Int32Array.from(positions, (p) => (p % time) * batch + Math.floor(p / time));
    let hs = gatherRows(this.states(ids, batch, time), rows);
    if (dropout > 0) hs = t.dropout(hs, dropout) as TF.Tensor2D;
    const logits = t.add(t.matMul(hs, this.vars.wo), this.vars.bo) as TF.Tensor2D;
    return weightedCrossEntropy(logits, targets, weights);
  }

  /** Input projections of one token per row, for decoding. */
  project(tokens: Int32Array): Projection {
    const t = tf();
    return this.projectRows(t.gather(this.vars.emb, t.tensor1d(tokens, 'int32')) as TF.Tensor2D);
  }

  logits(h: TF.Tensor2D): TF.Tensor2D {
    const t = tf();
    return t.add(t.matMul(h, this.vars.wo), this.vars.bo) as TF.Tensor2D;
  }
}

/** The input side of the GRU gates for a batch of tokens. */
export interface Projection {
  z: TF.Tensor2D;
  r: TF.Tensor2D;
  n: TF.Tensor2D;
}

export class Discriminator extends Network<DiscriminatorConfig> {
  static create(config: DiscriminatorConfig, seed: number): Discriminator {
    const t = tf();
    const { vocabSize: V, embedding: E, filters: F } = config;
    return new Discriminator(config, {
      emb: t.variable(t.randomNormal([V, E], 0, 0.1, 'float32', seed)),
      k3: t.variable(glorot([3, E, F], seed + 1)),
      b3: t.variable(t.zeros([F])),
      k5: t.variable(glorot([5, E, F], seed + 2)),
      b5: t.variable(t.zeros([F])),
      wo: t.variable(glorot([4 * F, 1], seed + 3)),
      bo: t.variable(t.zeros([1])),
    });
  }

  static fromArtifacts(artifacts: TF.io.ModelArtifacts): Discriminator {
    const { config, weights } = fromArtifacts('discriminator', artifacts);
    const t = tf();
    const vars = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, t.variable(v, true, undefined)]));
    return new Discriminator(config as unknown as DiscriminatorConfig, vars);
  }

  artifacts(): Promise<TF.io.ModelArtifacts> {
    return toArtifacts('discriminator', this.config, this.vars);
  }

  /** Logits of P(real): ids [batch, time] row-major, mask 1 on real tokens. */
  logit(ids: Int32Array, mask: Float32Array, batch: number, time: number): TF.Tensor1D {
    const t = tf();
    const E = this.config.embedding;
    const x = gatherRows(this.vars.emb as unknown as TF.Tensor2D, ids).reshape([batch, time, E]) as TF.Tensor3D;
    const m = t.tensor3d(mask, [batch, time, 1]);
    const feats: TF.Tensor2D[] = [];
    for (const [k, b] of [['k3', 'b3'], ['k5', 'b5']] as const) {
      const c = t.relu(t.add(t.conv1d(x, this.vars[k] as TF.Tensor3D, 1, 'same'), this.vars[b])) as TF.Tensor3D;
      const masked = t.mul(c, m);
      feats.push(t.max(masked, 1) as TF.Tensor2D);
      feats.push(t.div(t.sum(masked, 1), t.maximum(t.sum(m, 1), 1)) as TF.Tensor2D);
    }
    return t.add(t.matMul(t.concat(feats, 1), this.vars.wo), this.vars.bo).reshape([batch]) as TF.Tensor1D;
  }

  /** P(real) for each sequence, each scored alone (the same whatever else is in the batch). */
  score(seqs: number[][]): Float32Array {
    const kernel = new DiscriminatorKernel(this);
    return Float32Array.from(seqs, (s) => kernel.score(s));
  }
}

/** Right-pads sequences into one row-major id matrix with a 0/1 mask. */
export function padBatch(seqs: number[][], padId: number): { ids: Int32Array; mask: Float32Array; batch: number; time: number } {
  const batch = seqs.length;
  const time = Math.max(1, ...seqs.map((s) => s.length));
  const ids = new Int32Array(batch * time).fill(padId);
  const mask = new Float32Array(batch * time);
  seqs.forEach((s, b) => {
    for (let i = 0; i < s.length; i++) {
      ids[b * time + i] = s[i];
      mask[b * time + i] = 1;
    }
  });
  return { ids, mask, batch, time };
}
