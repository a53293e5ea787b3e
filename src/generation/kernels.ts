/**
 * The networks' inference maths in plain JavaScript over typed arrays, one sequence at a time:
 * decoding advances a few rows by one token per step, where TensorFlow.js's per-op dispatch
 * (about 25 small ops a step) and its cache-unfriendly matMul cost more than the arithmetic, and
 * a sequence's result must not depend on which other sequences share its batch. Checked against
 * the tensor versions in model.ts (test/unit/generation/kernels.test.ts).
 */
import type { Discriminator, Generator } from './model';

function values(network: Generator | Discriminator, name: string): Float32Array {
  return network.vars[name].dataSync() as Float32Array;
}

/** [rows, cols] row-major -> [cols, rows] row-major. */
function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}

/** How many leading directions bound the logits (8 of 64 carry 80% of the shipped model's output weights). */
const LEAD_RANK = 8;

/**
 * The `rank` leading eigenvectors of W^T W for W [V, H] (row-major), by cyclic Jacobi rotations
 * on the H x H matrix. Any orthonormal directions keep the logit bounds valid; better ones only
 * make them tighter, so a few sweeps suffice.
 */
function principalDirections(w: Float32Array, V: number, H: number, rank: number): Float64Array {
  const c = new Float64Array(H * H);
  for (let v = 0; v < V; v++) {
    const off = v * H;
    for (let i = 0; i < H; i++) {
      const x = w[off + i];
      if (x === 0) continue;
      for (let j = i; j < H; j++) c[i * H + j] += x * w[off + j];
    }
  }
  for (let i = 0; i < H; i++) for (let j = 0; j < i; j++) c[i * H + j] = c[j * H + i];
  const q = new Float64Array(H * H);
  for (let i = 0; i < H; i++) q[i * H + i] = 1;
  for (let sweep = 0; sweep < 8; sweep++) {
    for (let p = 0; p < H; p++) {
      for (let r = p + 1; r < H; r++) {
        const apr = c[p * H + r];
        if (Math.abs(apr) < 1e-12) continue;
        const theta = 0.5 * Math.atan2(2 * apr, c[r * H + r] - c[p * H + p]);
        const cos = Math.cos(theta);
        const sin = Math.sin(theta);
        for (let i = 0; i < H; i++) {
          const a = c[i * H + p];
          const b = c[i * H + r];
          c[i * H + p] = cos * a - sin * b;
          c[i * H + r] = sin * a + cos * b;
        }
        for (let i = 0; i < H; i++) {
          const a = c[p * H + i];
          const b = c[r * H + i];
          c[p * H + i] = cos * a - sin * b;
          c[r * H + i] = sin * a + cos * b;
        }
        for (let i = 0; i < H; i++) {
          const a = q[i * H + p];
          const b = q[i * H + r];
          q[i * H + p] = cos * a - sin * b;
          q[i * H + r] = sin * a + cos * b;
        }
      }
    }
  }
  const order = Array.from({ length: H }, (_, i) => i).sort((a, b) => c[b * H + b] - c[a * H + a]);
  const basis = new Float64Array(rank * H);
  for (let k = 0; k < rank; k++) for (let i = 0; i < H; i++) basis[k * H + i] = q[i * H + order[k]];
  return basis;
}

/** The GRU generator of model.ts: `step` is `Generator.cell(project(token))`, `logit` one column of `Generator.logits`. */
export class GeneratorKernel {
  readonly hidden: number;
  private readonly embedding: number;
  private readonly emb: Float32Array;
  /** [E, 3H]: the input weights of the z, r and n gates side by side. */
  private readonly wx: Float32Array;
  private readonly bx: Float32Array;
  /** [H, 3H]: the recurrent weights of the z, r and n gates side by side. */
  private readonly wh: Float32Array;
  /** [V, H]: the output layer transposed, so one token's logit is one contiguous dot product. */
  private readonly woT: Float32Array;
  private readonly bo: Float32Array;
  /** Input projections per token, filled on first use (a decode touches a few hundred tokens). */
  private readonly projected: Float32Array;
  private readonly isProjected: Uint8Array;
  private readonly gates: Float64Array;
  /**
   * Bounds on the logits from a few directions of the state: `basis` holds the `rank` directions
   * ([rank, H], orthonormal) along which the output weights vary most, `lead` every token's
   * output weights along them ([V, rank]) and `residual` the norm of the rest of its weights.
   * Then h.w = (Uh).(Uw) + h'.w' with |h'.w'| <= |h'| |w'| (Cauchy-Schwarz).
   */
  readonly rank: number;
  private readonly basis: Float64Array;
  private readonly lead: Float64Array;
  readonly residual: Float64Array;

  /** Copies the generator's current weights (training builds one per sampling round). */
  constructor(g: Generator) {
    const { vocabSize: V, embedding: E, hidden: H } = g.config;
    this.hidden = H;
    this.embedding = E;
    this.emb = values(g, 'emb');
    this.wx = new Float32Array(E * 3 * H);
    this.wh = new Float32Array(H * 3 * H);
    this.bx = new Float32Array(3 * H);
    (['z', 'r', 'n'] as const).forEach((gate, k) => {
      const wx = values(g, `wx${gate}`);
      const wh = values(g, `wh${gate}`);
      for (let i = 0; i < E; i++) this.wx.set(wx.subarray(i * H, (i + 1) * H), i * 3 * H + k * H);
      for (let i = 0; i < H; i++) this.wh.set(wh.subarray(i * H, (i + 1) * H), i * 3 * H + k * H);
      this.bx.set(values(g, `b${gate}`), k * H);
    });
    this.woT = transpose(values(g, 'wo'), H, V);
    this.bo = values(g, 'bo');
    this.projected = new Float32Array(V * 3 * H);
    this.isProjected = new Uint8Array(V);
    this.gates = new Float64Array(3 * H);
    this.rank = Math.min(LEAD_RANK, H);
    this.basis = principalDirections(this.woT, V, H, this.rank);
    this.lead = new Float64Array(V * this.rank);
    this.residual = new Float64Array(V);
    for (let v = 0; v < V; v++) {
      let norm = 0;
      for (let i = 0; i < H; i++) norm += this.woT[v * H + i] ** 2;
      for (let k = 0; k < this.rank; k++) {
        let x = 0;
        for (let i = 0; i < H; i++) x += this.basis[k * H + i] * this.woT[v * H + i];
        this.lead[v * this.rank + k] = x;
        norm -= x * x;
      }
      // Rounding must not make the bound tighter than the truth.
      this.residual[v] = Math.sqrt(Math.max(norm, 0)) * (1 + 1e-9) + 1e-9;
    }
  }

  /** Writes the state's coordinates along the leading directions to `coords`; returns the norm of the rest. */
  leadCoordinates(h: Float32Array, coords: Float64Array): number {
    const H = this.hidden;
    let norm = 0;
    for (let i = 0; i < H; i++) norm += h[i] * h[i];
    for (let k = 0; k < this.rank; k++) {
      let x = 0;
      for (let i = 0; i < H; i++) x += this.basis[k * H + i] * h[i];
      coords[k] = x;
      norm -= x * x;
    }
    return Math.sqrt(Math.max(norm, 0)) * (1 + 1e-9) + 1e-9;
  }

  /** The logit of `token` along the leading directions only: the exact logit is within residual[token] * |rest of h| of it. */
  leadLogit(coords: Float64Array, token: number): number {
    const r = this.rank;
    const off = token * r;
    let s = this.bo[token];
    for (let k = 0; k < r; k++) s += coords[k] * this.lead[off + k];
    return s;
  }

  private projection(token: number): number {
    const H3 = 3 * this.hidden;
    const off = token * H3;
    if (this.isProjected[token]) return off;
    const E = this.embedding;
    const p = this.projected;
    for (let j = 0; j < H3; j++) p[off + j] = this.bx[j];
    for (let i = 0; i < E; i++) {
      const x = this.emb[token * E + i];
      const w = i * H3;
      for (let j = 0; j < H3; j++) p[off + j] += x * this.wx[w + j];
    }
    this.isProjected[token] = 1;
    return off;
  }

  /** Reads `token` into the state `h` (in place). */
  step(token: number, h: Float32Array): void {
    const H = this.hidden;
    const H3 = 3 * H;
    const acc = this.gates;
    const wh = this.wh;
    acc.fill(0);
    // Four state dimensions per pass: a quarter of the loads and stores of the sums.
    let i = 0;
    for (; i + 4 <= H; i += 4) {
      const x0 = h[i];
      const x1 = h[i + 1];
      const x2 = h[i + 2];
      const x3 = h[i + 3];
      const w0 = i * H3;
      const w1 = w0 + H3;
      const w2 = w1 + H3;
      const w3 = w2 + H3;
      for (let j = 0; j < H3; j++) acc[j] += x0 * wh[w0 + j] + x1 * wh[w1 + j] + x2 * wh[w2 + j] + x3 * wh[w3 + j];
    }
    for (; i < H; i++) {
      const x = h[i];
      const w = i * H3;
      for (let j = 0; j < H3; j++) acc[j] += x * wh[w + j];
    }
    const p = this.projection(token);
    const xs = this.projected;
    for (let j = 0; j < H; j++) {
      const z = 1 / (1 + Math.exp(-(xs[p + j] + acc[j])));
      const r = 1 / (1 + Math.exp(-(xs[p + H + j] + acc[H + j])));
      const n = Math.tanh(xs[p + 2 * H + j] + r * acc[2 * H + j]);
      h[j] = n + z * (h[j] - n);
    }
  }

  /** The output logit of one token for state `h`. */
  logit(h: Float32Array, token: number): number {
    const H = this.hidden;
    const w = this.woT;
    const off = token * H;
    // Four running sums: one sum waits on the previous addition at every step.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i + 4 <= H; i += 4) {
      s0 += h[i] * w[off + i];
      s1 += h[i + 1] * w[off + i + 1];
      s2 += h[i + 2] * w[off + i + 2];
      s3 += h[i + 3] * w[off + i + 3];
    }
    for (; i < H; i++) s0 += h[i] * w[off + i];
    return this.bo[token] + s0 + s1 + s2 + s3;
  }
}

/** The CNN discriminator of model.ts for one sequence: `Discriminator.logit` on a batch of one. */
export class DiscriminatorKernel {
  private readonly filters: number;
  private readonly widths = [3, 5];
  /** Per token, its embedding times every kernel position ([width, F] per convolution), filled on first use. */
  private readonly taps: Float32Array;
  private readonly hasTaps: Uint8Array;
  private readonly tapsPerToken: number;
  private readonly emb: Float32Array;
  private readonly embedding: number;
  private readonly kernels: Float32Array[];
  private readonly biases: Float32Array[];
  private readonly wo: Float32Array;
  private readonly bo: number;

  constructor(d: Discriminator) {
    const { vocabSize: V, embedding: E, filters: F } = d.config;
    this.filters = F;
    this.embedding = E;
    this.emb = values(d, 'emb');
    this.kernels = [values(d, 'k3'), values(d, 'k5')];
    this.biases = [values(d, 'b3'), values(d, 'b5')];
    this.wo = values(d, 'wo');
    this.bo = values(d, 'bo')[0];
    this.tapsPerToken = (3 + 5) * F;
    this.taps = new Float32Array(V * this.tapsPerToken);
    this.hasTaps = new Uint8Array(V);
  }

  /** Offset of the token's taps: [3, F] of the width-3 convolution, then [5, F] of the width-5 one. */
  private tapsOf(token: number): number {
    const off = token * this.tapsPerToken;
    if (this.hasTaps[token]) return off;
    const E = this.embedding;
    const F = this.filters;
    let at = off;
    this.widths.forEach((width, c) => {
      const kernel = this.kernels[c];
      for (let j = 0; j < width; j++, at += F) {
        for (let e = 0; e < E; e++) {
          const v = this.emb[token * E + e];
          const k = (j * E + e) * F;
          for (let f = 0; f < F; f++) this.taps[at + f] += v * kernel[k + f];
        }
      }
    });
    this.hasTaps[token] = 1;
    return off;
  }

  /** Logit of P(real) of one id sequence ('same' convolutions: zeros outside the sequence). */
  logit(seq: ArrayLike<number>): number {
    const F = this.filters;
    const T = seq.length;
    const offsets = Int32Array.from({ length: T }, (_, t) => this.tapsOf(seq[t]));
    const features = new Float64Array(4 * F);
    const out = new Float64Array(F);
    let first = 0;
    this.widths.forEach((width, c) => {
      const pad = Math.floor((width - 1) / 2);
      const bias = this.biases[c];
      const max = 2 * c * F;
      const mean = (2 * c + 1) * F;
      for (let t = 0; t < T; t++) {
        for (let f = 0; f < F; f++) out[f] = bias[f];
        for (let j = 0; j < width; j++) {
          const src = t + j - pad;
          if (src < 0 || src >= T) continue;
          const tap = offsets[src] + first + j * F;
          for (let f = 0; f < F; f++) out[f] += this.taps[tap + f];
        }
        for (let f = 0; f < F; f++) {
          const y = out[f] > 0 ? out[f] : 0;
          if (y > features[max + f]) features[max + f] = y;
          features[mean + f] += y / Math.max(T, 1);
        }
      }
      first += width * F;
    });
    let s = this.bo;
    for (let i = 0; i < 4 * F; i++) s += features[i] * this.wo[i];
    return s;
  }

  /** P(real) of one id sequence. */
  score(seq: ArrayLike<number>): number {
    return 1 / (1 + Math.exp(-this.logit(seq)));
  }
}
