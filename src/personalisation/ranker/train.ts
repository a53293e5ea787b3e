/**
 * Training the learned ranker with TensorFlow.js: a listwise softmax loss over each user's
 * candidates (the item the user took next is the positive), Adam, L2, and the number of epochs
 * chosen on held-out users by HR@10. The result is the plain numbers of a `RankerModel`.
 *
 * The tf namespace is passed in, so the engine stays free of the runtime's loading (the caller
 * picks the native or pure JavaScript backend, as the description model does).
 */
import type * as TF from '@tensorflow/tfjs';
import { FEATURE_COUNT, FEATURES, FeatureGroup } from './features';
import { basis, basisSize, RankerModel, scoreRows } from './model';

/** One user's candidates (row-major feature rows) and the position of the item they took next. */
export interface RankingGroup {
  rows: Float32Array;
  /** Index of the target among the candidates; -1 when the candidates miss it (a miss at any K). */
  target: number;
}

export interface TrainOptions {
  /** Hinges per feature, at quantiles of the training rows. */
  knots: number;
  epochs: number;
  learningRate: number;
  l2: number;
  batchSize: number;
  seed: number;
  /** Feature groups left out (the ablation). */
  dropped?: ReadonlySet<FeatureGroup>;
  log?: (line: string) => void;
}

/** Chosen on the Beauty validation split (npm run eval:recommend). */
export const DEFAULT_TRAIN: TrainOptions = {
  knots: 4,
  epochs: 8,
  learningRate: 0.01,
  l2: 1e-4,
  batchSize: 64,
  seed: 42,
};

export interface RankingMetrics {
  hr: number;
  ndcg: number;
  users: number;
}

/** HR@k and NDCG@k of ranking each group by `scores` (ties count against the target). */
export function groupMetrics(
  groups: readonly RankingGroup[],
  scores: (g: RankingGroup) => ArrayLike<number>,
  k = 10,
): RankingMetrics {
  let hr = 0;
  let ndcg = 0;
  for (const g of groups) {
    if (g.target < 0) continue;
    const s = scores(g);
    const st = s[g.target];
    let rank = 0;
    for (let i = 0; i < s.length; i++) if (s[i] > st || (s[i] === st && i < g.target)) rank++;
    if (rank < k) {
      hr++;
      ndcg += 1 / Math.log2(rank + 2);
    }
  }
  return { hr: hr / Math.max(1, groups.length), ndcg: ndcg / Math.max(1, groups.length), users: groups.length };
}

/** Mean, standard deviation and knots of each feature over (a sample of) the training rows. */
function standardise(groups: readonly RankingGroup[], knots: number): Pick<RankerModel, 'mean' | 'sd' | 'knots'> {
  const mean = new Array<number>(FEATURE_COUNT).fill(0);
  const sd = new Array<number>(FEATURE_COUNT).fill(0);
  let n = 0;
  for (const g of groups)
    for (let r = 0; r < g.rows.length; r += FEATURE_COUNT, n++)
      for (let f = 0; f < FEATURE_COUNT; f++) mean[f] += g.rows[r + f];
  for (let f = 0; f < FEATURE_COUNT; f++) mean[f] /= Math.max(1, n);
  for (const g of groups)
    for (let r = 0; r < g.rows.length; r += FEATURE_COUNT)
      for (let f = 0; f < FEATURE_COUNT; f++) sd[f] += (g.rows[r + f] - mean[f]) ** 2;
  for (let f = 0; f < FEATURE_COUNT; f++) sd[f] = Math.sqrt(sd[f] / Math.max(1, n));
  const out: number[][] = [];
  for (let f = 0; f < FEATURE_COUNT; f++) {
    if (!(sd[f] > 1e-12)) {
      sd[f] = 0; // constant on this data: the feature takes no part
      out.push([]);
      continue;
    }
    const sample: number[] = [];
    let i = 0;
    for (const g of groups)
      for (let r = 0; r < g.rows.length; r += FEATURE_COUNT, i++)
        if (i % 31 === 0) sample.push((g.rows[r + f] - mean[f]) / sd[f]);
    sample.sort((a, b) => a - b);
    const ks = new Set<number>();
    for (let k = 1; k <= knots; k++) ks.add(sample[Math.floor((k / (knots + 1)) * (sample.length - 1))]);
    // A knot at the minimum (a feature that is mostly zero) is the linear term again.
    out.push([...ks].filter((k) => k > sample[0]).sort((a, b) => a - b));
  }
  return { mean, sd, knots: out };
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0 || 1;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The model's weight vector, split per feature. */
function unpack(w: Float32Array, knots: readonly (readonly number[])[]): number[][] {
  const out: number[][] = [];
  let o = 0;
  for (const k of knots) {
    out.push(Array.from(w.subarray(o, o + 1 + k.length)));
    o += 1 + k.length;
  }
  return out;
}

/**
 * Trains on the groups whose candidates hold the target, keeps the epoch with the best HR@10 on
 * `hold` (users the training never sees).
 */
export function trainRanker(
  tf: typeof TF,
  train: readonly RankingGroup[],
  hold: readonly RankingGroup[],
  options: TrainOptions = DEFAULT_TRAIN,
): { model: RankerModel; epochs: { epoch: number; hold: RankingMetrics }[] } {
  const positives = train.filter((g) => g.target >= 0);
  const stats = standardise(positives, options.knots);
  const D = basisSize(stats.knots);
  const dropped = options.dropped ?? new Set<FeatureGroup>();
  const w = tf.variable(tf.zeros([D, 1]));
  const optimiser = tf.train.adam(options.learningRate);
  const model = (weights: number[][]): RankerModel => ({
    features: FEATURES.map((f) => f.name),
    ...stats,
    // A dropped group's features take no part: their weights are exactly zero.
    weights: weights.map((w, f) => (dropped.has(FEATURES[f].group) ? w.map(() => 0) : w)),
  });
  const evaluate = (m: RankerModel) => groupMetrics(hold, (g) => scoreRows(g.rows, m));

  const epochs: { epoch: number; hold: RankingMetrics }[] = [];
  let best: { hr: number; weights: number[][] } = { hr: -1, weights: unpack(new Float32Array(D), stats.knots) };
  const scratch = new Float32Array(D);
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = shuffled(positives, options.seed + epoch);
    for (let b = 0; b < order.length; b += options.batchSize) {
      const batch = order.slice(b, b + options.batchSize);
      const width = Math.max(...batch.map((g) => g.rows.length / FEATURE_COUNT));
      const x = new Float32Array(batch.length * width * D);
      const mask = new Float32Array(batch.length * width).fill(-1e9);
      const y = new Float32Array(batch.length * width);
      batch.forEach((g, i) => {
        const n = g.rows.length / FEATURE_COUNT;
        for (let c = 0; c < n; c++) {
          basis(g.rows.subarray(c * FEATURE_COUNT, (c + 1) * FEATURE_COUNT), stats, scratch, dropped);
          x.set(scratch, (i * width + c) * D);
          mask[i * width + c] = 0;
        }
        y[i * width + g.target] = 1;
      });
      tf.tidy(() => {
        const xs = tf.tensor2d(x, [batch.length * width, D]);
        const masks = tf.tensor2d(mask, [batch.length, width]);
        const labels = tf.tensor2d(y, [batch.length, width]);
        optimiser.minimize(() => {
          const logits = tf.add(tf.reshape(tf.matMul(xs, w), [batch.length, width]), masks);
          const loss = tf.losses.softmaxCrossEntropy(labels, logits);
          return tf.add<TF.Scalar>(loss, tf.mul(options.l2, tf.sum(tf.square(w))));
        });
      });
    }
    const weights = unpack(w.dataSync() as Float32Array, stats.knots);
    const held = evaluate(model(weights));
    epochs.push({ epoch, hold: held });
    options.log?.(`epoch ${epoch + 1}/${options.epochs}: held-out HR@10 ${held.hr.toFixed(4)}`);
    if (held.hr > best.hr) best = { hr: held.hr, weights };
  }
  w.dispose();
  optimiser.dispose();
  return { model: model(best.weights), epochs };
}
