/**
 * The learned ranker: a generalised additive model over the named features of features.ts.
 *
 *   score(u, i) = sum over features f of g_f(z_f),   z_f = (x_f - mean_f) / sd_f
 *   g_f(z)      = w_f0 * z + sum over knots k of w_fk * max(0, z - knot_fk)
 *
 * Each g_f is a piecewise-linear curve (hinges at quantiles of the training data), so a score is
 * exactly the sum of one contribution per feature: a reason is the largest contributions, in
 * words a shopper understands. Pure: training (TensorFlow.js) lives in train.ts and produces the
 * plain numbers held here.
 */
import { FEATURE_COUNT, FEATURES, FeatureGroup } from './features';

export interface RankerModel {
  /** Feature names in row order (checked against FEATURES on load). */
  features: string[];
  mean: number[];
  sd: number[];
  /** Per feature, the hinge positions in standardised units. */
  knots: number[][];
  /** Per feature, [linear weight, one weight per knot]. */
  weights: number[][];
}

/** The number of basis values a model uses: per feature, one linear term and one per knot. */
export function basisSize(knots: readonly (readonly number[])[]): number {
  return knots.reduce((n, k) => n + 1 + k.length, 0);
}

/**
 * Writes the basis of one feature row into `out` (length basisSize), with the features of
 * `dropped` groups set to zero (how the ablation removes a group).
 */
export function basis(
  row: ArrayLike<number>,
  model: Pick<RankerModel, 'mean' | 'sd' | 'knots'>,
  out: Float32Array | Float64Array,
  dropped: ReadonlySet<FeatureGroup> = new Set(),
): void {
  let o = 0;
  for (let f = 0; f < FEATURE_COUNT; f++) {
    const knots = model.knots[f];
    const off = dropped.has(FEATURES[f].group) || !(model.sd[f] > 0);
    const z = off ? 0 : (row[f] - model.mean[f]) / model.sd[f];
    out[o++] = z;
    for (const k of knots) out[o++] = off ? 0 : Math.max(0, z - k);
  }
}

/** Each feature's contribution to the score of one row; their sum is the score. */
export function contributions(row: ArrayLike<number>, model: RankerModel): Float64Array {
  const out = new Float64Array(FEATURE_COUNT);
  for (let f = 0; f < FEATURE_COUNT; f++) {
    if (!(model.sd[f] > 0)) continue;
    const z = (row[f] - model.mean[f]) / model.sd[f];
    const w = model.weights[f];
    let g = w[0] * z;
    const knots = model.knots[f];
    for (let k = 0; k < knots.length; k++) g += w[k + 1] * Math.max(0, z - knots[k]);
    out[f] = g;
  }
  return out;
}

export function score(row: ArrayLike<number>, model: RankerModel): number {
  let s = 0;
  for (const c of contributions(row, model)) s += c;
  return s;
}

/** Scores every row of a row-major matrix (FEATURE_COUNT columns). */
export function scoreRows(rows: Float64Array | Float32Array, model: RankerModel): Float64Array {
  const n = rows.length / FEATURE_COUNT;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = score(rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), model);
  return out;
}

/** A model file's shape is checked before use: the feature list must be this code's. */
export function checkModel(model: RankerModel): RankerModel {
  const names = FEATURES.map((f) => f.name);
  if (model.features.length !== names.length || model.features.some((n, i) => n !== names[i]))
    throw new Error(`ranker model features [${model.features.join(', ')}] are not this code's [${names.join(', ')}]`);
  for (const [key, list] of [
    ['mean', model.mean],
    ['sd', model.sd],
    ['knots', model.knots],
    ['weights', model.weights],
  ] as const)
    if (list.length !== names.length) throw new Error(`ranker model ${key} has ${list.length} entries`);
  model.weights.forEach((w, f) => {
    if (w.length !== 1 + model.knots[f].length) throw new Error(`ranker model weights of ${names[f]} do not fit`);
  });
  return model;
}
