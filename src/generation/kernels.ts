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

/** [rows, cols] row-major -> [cols, rows] row-major, in doubles (exactly the same values, no conversion per use). */
function transpose(m: Float32Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(m.length);
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
function principalDirections(w: Float64Array, V: number, H: number, rank: number): Float64Array {
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
  /** [H, 3H]: the recurrent weights of the z, r and n gates side by side, in doubles (the same values, no conversion per use). */
  private readonly wh: Float64Array;
  /** [V, H]: the output layer transposed, so one token's logit is one contiguous dot product. */
  private readonly woT: Float64Array;
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
    this.wh = new Float64Array(H * 3 * H);
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
    this.gates = new Float64Array(4 * 3 * H);
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
  leadCoordinates(h: Float32Array, coords: Float64Array, hAt = 0, coordsAt = 0): number {
    const H = this.hidden;
    let norm = 0;
    for (let i = 0; i < H; i++) norm += h[hAt + i] * h[hAt + i];
    for (let k = 0; k < this.rank; k++) {
      let x = 0;
      for (let i = 0; i < H; i++) x += this.basis[k * H + i] * h[hAt + i];
      coords[coordsAt + k] = x;
      norm -= x * x;
    }
    return Math.sqrt(Math.max(norm, 0)) * (1 + 1e-9) + 1e-9;
  }

  /** The logit of `token` along the leading directions only: the exact logit is within residual[token] * |rest of h| of it. */
  leadLogit(coords: Float64Array, token: number, coordsAt = 0): number {
    const r = this.rank;
    const off = token * r;
    let s = this.bo[token];
    for (let k = 0; k < r; k++) s += coords[coordsAt + k] * this.lead[off + k];
    return s;
  }

  /**
   * The tokens of `ids` that may survive truncation, for `rows` (1 to 4) states at once, each
   * token's weights read once for all of them: the upper bound `leadLogit + rest * residual` of
   * every token is compared with the largest lower bound `leadLogit - rest * residual` seen so
   * far in the pass, and the token kept when it is at most `reach` below it. Row r's kept
   * positions in `ids` (ascending) go to `kept[r * ids.length ..]`, their upper bounds to
   * `keptUpper` at the same places, their number to `counts[r]`; its largest lower bound and
   * that token's position to `best[r]` and `bestAt[r]` (-1 when `ids` is empty). The sums are
   * the ones `leadLogit` adds, in its order. Every token within `reach` of the largest lower
   * bound is kept, and some others (those that came before it in `ids`).
   */
  leadCandidates(ids: Int32Array, rows: number, coords: Float64Array, rests: Float64Array, reach: number, kept: Int32Array, keptUpper: Float64Array, counts: Int32Array, best: Float64Array, bestAt: Int32Array): void {
    // Three rows take a four-row pass with one repeated; one or two, a pass each (a four-row
    // pass costs about what two one-row passes do).
    if (this.rank === LEAD_RANK && rows >= 3) this.leadCandidates4(ids, rows, coords, rests, reach, kept, keptUpper, counts, best, bestAt);
    else if (this.rank === LEAD_RANK) for (let r = 0; r < rows; r++) this.leadCandidates1(ids, r, coords, rests, reach, kept, keptUpper, counts, best, bestAt);
    else for (let r = 0; r < rows; r++) this.leadCandidatesRow(ids, r, coords, rests, reach, kept, keptUpper, counts, best, bestAt);
  }

  /** Row r of `leadCandidates` for the usual rank 8, its coordinates in locals. */
  private leadCandidates1(ids: Int32Array, r: number, coords: Float64Array, rests: Float64Array, reach: number, kept: Int32Array, keptUpper: Float64Array, counts: Int32Array, best: Float64Array, bestAt: Int32Array): void {
    const n = ids.length;
    const lead = this.lead;
    const bo = this.bo;
    const residual = this.residual;
    const c = r * 8;
    const c0 = coords[c], c1 = coords[c + 1], c2 = coords[c + 2], c3 = coords[c + 3], c4 = coords[c + 4], c5 = coords[c + 5], c6 = coords[c + 6], c7 = coords[c + 7];
    const rest = rests[r];
    const out = r * n;
    let k = 0, max = -Infinity, at = -1, floor = -Infinity;
    for (let a = 0; a < n; a++) {
      const i = ids[a];
      const w = i * 8;
      const s = bo[i] + c0 * lead[w] + c1 * lead[w + 1] + c2 * lead[w + 2] + c3 * lead[w + 3] + c4 * lead[w + 4] + c5 * lead[w + 5] + c6 * lead[w + 6] + c7 * lead[w + 7];
      const slack = rest * residual[i];
      const low = s - slack;
      if (low > max) (max = low), (at = a), (floor = low - reach);
      const up = s + slack;
      kept[out + k] = a;
      keptUpper[out + k] = up;
      k += up >= floor ? 1 : 0;
    }
    counts[r] = k;
    best[r] = max;
    bestAt[r] = at;
  }

  /**
   * `leadCandidates` for the usual rank 8, four rows a pass with their 32 coordinates in locals.
   * With fewer rows the last one is repeated: the same results written again to the same places.
   */
  private leadCandidates4(ids: Int32Array, rows: number, coords: Float64Array, rests: Float64Array, reach: number, kept: Int32Array, keptUpper: Float64Array, counts: Int32Array, best: Float64Array, bestAt: Int32Array): void {
    const n = ids.length;
    const lead = this.lead;
    const bo = this.bo;
    const residual = this.residual;
    const rowA = 0;
    const rowB = Math.min(1, rows - 1);
    const rowC = Math.min(2, rows - 1);
    const rowD = Math.min(3, rows - 1);
    const aAt = rowA * 8, bAt = rowB * 8, cAt = rowC * 8, dAt = rowD * 8;
    const a0 = coords[aAt], a1 = coords[aAt + 1], a2 = coords[aAt + 2], a3 = coords[aAt + 3], a4 = coords[aAt + 4], a5 = coords[aAt + 5], a6 = coords[aAt + 6], a7 = coords[aAt + 7];
    const b0 = coords[bAt], b1 = coords[bAt + 1], b2 = coords[bAt + 2], b3 = coords[bAt + 3], b4 = coords[bAt + 4], b5 = coords[bAt + 5], b6 = coords[bAt + 6], b7 = coords[bAt + 7];
    const c0 = coords[cAt], c1 = coords[cAt + 1], c2 = coords[cAt + 2], c3 = coords[cAt + 3], c4 = coords[cAt + 4], c5 = coords[cAt + 5], c6 = coords[cAt + 6], c7 = coords[cAt + 7];
    const d0 = coords[dAt], d1 = coords[dAt + 1], d2 = coords[dAt + 2], d3 = coords[dAt + 3], d4 = coords[dAt + 4], d5 = coords[dAt + 5], d6 = coords[dAt + 6], d7 = coords[dAt + 7];
    const restA = rests[rowA], restB = rests[rowB], restC = rests[rowC], restD = rests[rowD];
    const outA = rowA * n, outB = rowB * n, outC = rowC * n, outD = rowD * n;
    let kA = 0, maxA = -Infinity, atA = -1, floorA = -Infinity;
    let kB = 0, maxB = -Infinity, atB = -1, floorB = -Infinity;
    let kC = 0, maxC = -Infinity, atC = -1, floorC = -Infinity;
    let kD = 0, maxD = -Infinity, atD = -1, floorD = -Infinity;
    for (let a = 0; a < n; a++) {
      const i = ids[a];
      const w = i * 8;
      const w0 = lead[w], w1 = lead[w + 1], w2 = lead[w + 2], w3 = lead[w + 3], w4 = lead[w + 4], w5 = lead[w + 5], w6 = lead[w + 6], w7 = lead[w + 7];
      const bias = bo[i];
      const res = residual[i];
      // Written always, counted only when kept: no branch to mispredict.
      const sA = bias + a0 * w0 + a1 * w1 + a2 * w2 + a3 * w3 + a4 * w4 + a5 * w5 + a6 * w6 + a7 * w7;
      const slackA = restA * res;
      const lowA = sA - slackA;
      if (lowA > maxA) (maxA = lowA), (atA = a), (floorA = lowA - reach);
      const upA = sA + slackA;
      kept[outA + kA] = a;
      keptUpper[outA + kA] = upA;
      kA += upA >= floorA ? 1 : 0;
      const sB = bias + b0 * w0 + b1 * w1 + b2 * w2 + b3 * w3 + b4 * w4 + b5 * w5 + b6 * w6 + b7 * w7;
      const slackB = restB * res;
      const lowB = sB - slackB;
      if (lowB > maxB) (maxB = lowB), (atB = a), (floorB = lowB - reach);
      const upB = sB + slackB;
      kept[outB + kB] = a;
      keptUpper[outB + kB] = upB;
      kB += upB >= floorB ? 1 : 0;
      const sC = bias + c0 * w0 + c1 * w1 + c2 * w2 + c3 * w3 + c4 * w4 + c5 * w5 + c6 * w6 + c7 * w7;
      const slackC = restC * res;
      const lowC = sC - slackC;
      if (lowC > maxC) (maxC = lowC), (atC = a), (floorC = lowC - reach);
      const upC = sC + slackC;
      kept[outC + kC] = a;
      keptUpper[outC + kC] = upC;
      kC += upC >= floorC ? 1 : 0;
      const sD = bias + d0 * w0 + d1 * w1 + d2 * w2 + d3 * w3 + d4 * w4 + d5 * w5 + d6 * w6 + d7 * w7;
      const slackD = restD * res;
      const lowD = sD - slackD;
      if (lowD > maxD) (maxD = lowD), (atD = a), (floorD = lowD - reach);
      const upD = sD + slackD;
      kept[outD + kD] = a;
      keptUpper[outD + kD] = upD;
      kD += upD >= floorD ? 1 : 0;
    }
    counts[rowA] = kA;
    best[rowA] = maxA;
    bestAt[rowA] = atA;
    counts[rowB] = kB;
    best[rowB] = maxB;
    bestAt[rowB] = atB;
    counts[rowC] = kC;
    best[rowC] = maxC;
    bestAt[rowC] = atC;
    counts[rowD] = kD;
    best[rowD] = maxD;
    bestAt[rowD] = atD;
  }

  /** One row of `leadCandidates`, any rank. */
  private leadCandidatesRow(ids: Int32Array, r: number, coords: Float64Array, rests: Float64Array, reach: number, kept: Int32Array, keptUpper: Float64Array, counts: Int32Array, best: Float64Array, bestAt: Int32Array): void {
    const n = ids.length;
    let k = 0, max = -Infinity, at = -1, floor = -Infinity;
    for (let a = 0; a < n; a++) {
      const i = ids[a];
      const s = this.leadLogit(coords, i, r * this.rank);
      const slack = rests[r] * this.residual[i];
      const low = s - slack;
      if (low > max) (max = low), (at = a), (floor = low - reach);
      const up = s + slack;
      kept[r * n + k] = a;
      keptUpper[r * n + k] = up;
      k += up >= floor ? 1 : 0;
    }
    counts[r] = k;
    best[r] = max;
    bestAt[r] = at;
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
    this.recurrent(h, 0, 0);
    this.update(token, h, 0, 0);
  }

  /**
   * Reads `tokens[q]` into the state of row `rows[q]` (at `states[rows[q] * hidden]`) for every
   * q in [from, to): what `step` does for each, four rows per pass over the recurrent weights.
   */
  stepRows(states: Float32Array, rows: Int32Array, tokens: Int32Array, from: number, to: number): void {
    const H = this.hidden;
    const H3 = 3 * H;
    let q = from;
    for (; q + 4 <= to; q += 4) {
      this.recurrent4(states, rows[q] * H, rows[q + 1] * H, rows[q + 2] * H, rows[q + 3] * H);
      for (let r = 0; r < 4; r++) this.update(tokens[q + r], states, rows[q + r] * H, r * H3);
    }
    if (to - q >= 2) {
      // Two or three rows left: one four-row pass with the last row repeated costs less than
      // a pass per row (the repeats' sums are computed and not used).
      const n = to - q;
      const at = (r: number) => rows[q + Math.min(r, n - 1)] * H;
      this.recurrent4(states, at(0), at(1), at(2), at(3));
      for (let r = 0; r < n; r++) this.update(tokens[q + r], states, rows[q + r] * H, r * H3);
      return;
    }
    if (q < to) {
      this.recurrent(states, rows[q] * H, 0);
      this.update(tokens[q], states, rows[q] * H, 0);
    }
  }

  /** gates[at..] = h W_h for the state at h[hAt..], four state dimensions per pass. */
  private recurrent(h: Float32Array, hAt: number, at: number): void {
    const H = this.hidden;
    const H3 = 3 * H;
    const acc = this.gates;
    const wh = this.wh;
    acc.fill(0, at, at + H3);
    // Four state dimensions per pass: a quarter of the loads and stores of the sums.
    let i = 0;
    for (; i + 4 <= H; i += 4) {
      const x0 = h[hAt + i];
      const x1 = h[hAt + i + 1];
      const x2 = h[hAt + i + 2];
      const x3 = h[hAt + i + 3];
      const w0 = i * H3;
      const w1 = w0 + H3;
      const w2 = w1 + H3;
      const w3 = w2 + H3;
      for (let j = 0; j < H3; j++) acc[at + j] += x0 * wh[w0 + j] + x1 * wh[w1 + j] + x2 * wh[w2 + j] + x3 * wh[w3 + j];
    }
    for (; i < H; i++) {
      const x = h[hAt + i];
      const w = i * H3;
      for (let j = 0; j < H3; j++) acc[at + j] += x * wh[w + j];
    }
  }

  /**
   * `recurrent` for four states at once into gates[0..4 * 3H): every weight is read once for
   * the four, and each state's sums are the ones `recurrent` adds, in its order.
   */
  private recurrent4(h: Float32Array, p: number, q: number, r: number, s: number): void {
    const H = this.hidden;
    const H3 = 3 * H;
    const acc = this.gates;
    const wh = this.wh;
    acc.fill(0, 0, 4 * H3);
    const aq = H3;
    const ar = 2 * H3;
    const as = 3 * H3;
    let i = 0;
    for (; i + 4 <= H; i += 4) {
      const p0 = h[p + i], p1 = h[p + i + 1], p2 = h[p + i + 2], p3 = h[p + i + 3];
      const q0 = h[q + i], q1 = h[q + i + 1], q2 = h[q + i + 2], q3 = h[q + i + 3];
      const r0 = h[r + i], r1 = h[r + i + 1], r2 = h[r + i + 2], r3 = h[r + i + 3];
      const s0 = h[s + i], s1 = h[s + i + 1], s2 = h[s + i + 2], s3 = h[s + i + 3];
      const w0 = i * H3;
      const w1 = w0 + H3;
      const w2 = w1 + H3;
      const w3 = w2 + H3;
      for (let j = 0; j < H3; j++) {
        const u0 = wh[w0 + j], u1 = wh[w1 + j], u2 = wh[w2 + j], u3 = wh[w3 + j];
        acc[j] += p0 * u0 + p1 * u1 + p2 * u2 + p3 * u3;
        acc[aq + j] += q0 * u0 + q1 * u1 + q2 * u2 + q3 * u3;
        acc[ar + j] += r0 * u0 + r1 * u1 + r2 * u2 + r3 * u3;
        acc[as + j] += s0 * u0 + s1 * u1 + s2 * u2 + s3 * u3;
      }
    }
    for (; i < H; i++) {
      const xp = h[p + i], xq = h[q + i], xr = h[r + i], xs = h[s + i];
      const w = i * H3;
      for (let j = 0; j < H3; j++) {
        const u = wh[w + j];
        acc[j] += xp * u;
        acc[aq + j] += xq * u;
        acc[ar + j] += xr * u;
        acc[as + j] += xs * u;
      }
    }
  }

  /** The GRU update of the state at h[hAt..] from its recurrent sums at gates[at..] and `token`'s input projection. */
  private update(token: number, h: Float32Array, hAt: number, at: number): void {
    const H = this.hidden;
    const acc = this.gates;
    const p = this.projection(token);
    const xs = this.projected;
    for (let j = 0; j < H; j++) {
      const z = 1 / (1 + Math.exp(-(xs[p + j] + acc[at + j])));
      const r = 1 / (1 + Math.exp(-(xs[p + H + j] + acc[at + H + j])));
      const n = Math.tanh(xs[p + 2 * H + j] + r * acc[at + 2 * H + j]);
      h[hAt + j] = n + z * (h[hAt + j] - n);
    }
  }

  /** The output logit of one token for the state at h[hAt..] (a copy in doubles is read fastest). */
  logit(h: Float32Array | Float64Array, token: number, hAt = 0): number {
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
      s0 += h[hAt + i] * w[off + i];
      s1 += h[hAt + i + 1] * w[off + i + 1];
      s2 += h[hAt + i + 2] * w[off + i + 2];
      s3 += h[hAt + i + 3] * w[off + i + 3];
    }
    for (; i < H; i++) s0 += h[hAt + i] * w[off + i];
    return this.bo[token] + s0 + s1 + s2 + s3;
  }

  /**
   * `out[j] = logit(h, tokens[j])` for j in [0, count): four tokens per pass over the state, so
   * sixteen sums run side by side and each state value is loaded once for four; each token's
   * sums are the ones `logit` adds, in its order.
   */
  logits(h: Float64Array, tokens: Int32Array, count: number, out: Float64Array): void {
    const H = this.hidden;
    const w = this.woT;
    const bo = this.bo;
    let j = 0;
    if (H % 4 !== 0) {
      for (; j < count; j++) out[j] = this.logit(h, tokens[j]);
      return;
    }
    for (; j < count; j += 4) {
      // The last pass repeats its last token where fewer than four are left.
      const ta = tokens[j];
      const tb = j + 1 < count ? tokens[j + 1] : ta;
      const tc = j + 2 < count ? tokens[j + 2] : tb;
      const td = j + 3 < count ? tokens[j + 3] : tc;
      const a = ta * H, b = tb * H, c = tc * H, d = td * H;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      for (let i = 0; i < H; i += 4) {
        const x0 = h[i], x1 = h[i + 1], x2 = h[i + 2], x3 = h[i + 3];
        a0 += x0 * w[a + i];
        a1 += x1 * w[a + i + 1];
        a2 += x2 * w[a + i + 2];
        a3 += x3 * w[a + i + 3];
        b0 += x0 * w[b + i];
        b1 += x1 * w[b + i + 1];
        b2 += x2 * w[b + i + 2];
        b3 += x3 * w[b + i + 3];
        c0 += x0 * w[c + i];
        c1 += x1 * w[c + i + 1];
        c2 += x2 * w[c + i + 2];
        c3 += x3 * w[c + i + 3];
        d0 += x0 * w[d + i];
        d1 += x1 * w[d + i + 1];
        d2 += x2 * w[d + i + 2];
        d3 += x3 * w[d + i + 3];
      }
      out[j] = bo[ta] + a0 + a1 + a2 + a3;
      if (j + 1 < count) out[j + 1] = bo[tb] + b0 + b1 + b2 + b3;
      if (j + 2 < count) out[j + 2] = bo[tc] + c0 + c1 + c2 + c3;
      if (j + 3 < count) out[j + 3] = bo[td] + d0 + d1 + d2 + d3;
    }
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
  /** Scratch of `logit`: where each token's taps are, the max- and mean-pooled features. */
  private offsets = new Int32Array(64);
  private readonly features: Float64Array;

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
    this.features = new Float64Array(4 * F);
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
    if (this.offsets.length < T) this.offsets = new Int32Array(2 * T);
    const offsets = this.offsets;
    for (let t = 0; t < T; t++) offsets[t] = this.tapsOf(seq[t]);
    let first = 0;
    for (let c = 0; c < this.widths.length; c++) {
      let f = 0;
      for (; f + 4 <= F; f += 4) this.pool4(c, first, f, T);
      for (; f < F; f++) this.pool1(c, first, f, T);
      first += this.widths[c] * F;
    }
    const features = this.features;
    let s = this.bo;
    for (let i = 0; i < 4 * F; i++) s += features[i] * this.wo[i];
    return s;
  }

  /**
   * Filters f..f+3 of convolution `c` (its taps from `first` in each token's), ReLU, then max-
   * and mean-pooled over the sequence into `features`: four filters a pass so their sums stay
   * in locals. Each filter's arithmetic is `pool1`'s, in its order.
   */
  private pool4(c: number, first: number, f: number, T: number): void {
    const F = this.filters;
    const taps = this.taps;
    const offsets = this.offsets;
    const width = this.widths[c];
    const pad = Math.floor((width - 1) / 2);
    const bias = this.biases[c];
    const count = Math.max(T, 1);
    const b0 = bias[f], b1 = bias[f + 1], b2 = bias[f + 2], b3 = bias[f + 3];
    let max0 = 0, max1 = 0, max2 = 0, max3 = 0;
    let mean0 = 0, mean1 = 0, mean2 = 0, mean3 = 0;
    for (let t = 0; t < T; t++) {
      let o0 = b0, o1 = b1, o2 = b2, o3 = b3;
      for (let j = 0; j < width; j++) {
        const src = t + j - pad;
        if (src < 0 || src >= T) continue;
        const tap = offsets[src] + first + j * F + f;
        o0 += taps[tap];
        o1 += taps[tap + 1];
        o2 += taps[tap + 2];
        o3 += taps[tap + 3];
      }
      const y0 = o0 > 0 ? o0 : 0, y1 = o1 > 0 ? o1 : 0, y2 = o2 > 0 ? o2 : 0, y3 = o3 > 0 ? o3 : 0;
      if (y0 > max0) max0 = y0;
      if (y1 > max1) max1 = y1;
      if (y2 > max2) max2 = y2;
      if (y3 > max3) max3 = y3;
      mean0 += y0 / count;
      mean1 += y1 / count;
      mean2 += y2 / count;
      mean3 += y3 / count;
    }
    const features = this.features;
    const max = 2 * c * F + f;
    const mean = (2 * c + 1) * F + f;
    features[max] = max0;
    features[max + 1] = max1;
    features[max + 2] = max2;
    features[max + 3] = max3;
    features[mean] = mean0;
    features[mean + 1] = mean1;
    features[mean + 2] = mean2;
    features[mean + 3] = mean3;
  }

  /** Filter f of convolution `c`, ReLU, max- and mean-pooled over the sequence into `features`. */
  private pool1(c: number, first: number, f: number, T: number): void {
    const F = this.filters;
    const width = this.widths[c];
    const pad = Math.floor((width - 1) / 2);
    let max = 0;
    let mean = 0;
    for (let t = 0; t < T; t++) {
      let o = this.biases[c][f];
      for (let j = 0; j < width; j++) {
        const src = t + j - pad;
        if (src >= 0 && src < T) o += this.taps[this.offsets[src] + first + j * F + f];
      }
      const y = o > 0 ? o : 0;
      if (y > max) max = y;
      mean += y / Math.max(T, 1);
    }
    this.features[2 * c * F + f] = max;
    this.features[(2 * c + 1) * F + f] = mean;
  }

  /** P(real) of one id sequence. */
  score(seq: ArrayLike<number>): number {
    return 1 / (1 + Math.exp(-this.logit(seq)));
  }
}
