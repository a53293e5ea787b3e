/**
 * Adversarial training over arrangement actions. The discriminator learns to tell the shop's
 * real copy (each description's own opening, whole sentences in order, within a budget) from
 * the policy's arrangements of the same items; the policy (the generator) learns by REINFORCE
 * (Williams 1992) with the discriminator's P(real) plus the personal bonus of writer.ts as the
 * reward, and the mean reward of the same item's samples as the baseline, as SeqGAN does with
 * tokens (Yu et al. 2017) but over these few actions (opening, lead, next sentence, stop), so
 * every reward is for a complete text and no rollouts are needed. The policy starts from the
 * untrained scoring (DEFAULT_POLICY as its linear part), so training refines a working policy.
 */
import { SingleBar } from 'cli-progress';
import type * as TF from '@tensorflow/tfjs';
import { seededRandom, shuffle } from '../../util/random';
import { arrange, Arrangement, Reader } from '../arrange';
import { Prepared } from '../prepare';
import { tf } from '../backend';
import { DEFAULT_POLICY, DISCRIMINATOR_INPUTS, POLICY_INPUTS, ReadSentence, textFeatures } from '../features';
import { mlpScore, sigmoid } from '../kernels';
import type { LeadForm } from '../lead';
import { personalBonus, policyScorer } from '../writer';
import { realCopy, sampler, trainingReader } from './episodes';
import { Scorer } from './networks';

export interface TrainSettings {
  seed: number;
  epochs: number;
  /** Items per policy update. */
  batch: number;
  /** Sampled arrangements per item and update (the baseline is their mean reward). */
  samples: number;
  temperature: number;
  policyHidden: number;
  discriminatorHidden: number;
  policyRate: number;
  discriminatorRate: number;
  /** Passes of discriminator pre-training over the training items before the first policy update. */
  discriminatorWarmup: number;
  /** Weight of the policy's entropy in its loss: keeps it exploring while the discriminator learns. */
  entropy: number;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  seed: 42,
  epochs: 4,
  batch: 64,
  samples: 4,
  temperature: 1,
  policyHidden: 16,
  discriminatorHidden: 24,
  policyRate: 0.003,
  discriminatorRate: 0.01,
  discriminatorWarmup: 2,
  entropy: 0.01,
};

export interface TrainMetrics {
  trainItems: number;
  validationItems: number;
  leadForms: number;
  epochs: { epoch: number; reward: number; discriminatorAccuracy: number; validationReward: number; seconds: number }[];
  /** Mean reward on the validation items (greedy texts, the final discriminator): untrained and trained policy. */
  validationRewardUntrained: number;
  validationRewardTrained: number;
  seconds: { total: number };
}

export interface Trained {
  policy: Scorer;
  discriminator: Scorer;
  metrics: TrainMetrics;
}

interface Episode {
  p: Prepared;
  reader: Reader;
  real: ReadSentence[];
}

function episodes(items: readonly Prepared[], random: () => number): Episode[] {
  const out: Episode[] = [];
  for (const p of items) {
    const reader = trainingReader(p, random);
    const real = realCopy(p, reader.maxWords);
    if (real) out.push({ p, reader, real });
  }
  return out;
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** One discriminator update on real and arranged texts; its accuracy on them before the update. */
function discriminatorStep(d: Scorer, opt: TF.Optimizer, real: Float64Array[], fake: Float64Array[]): number {
  const t = tf();
  const rows = [...real, ...fake];
  const x = new Float32Array(rows.length * DISCRIMINATOR_INPUTS);
  rows.forEach((r, i) => x.set(r, i * DISCRIMINATOR_INPUTS));
  const labels = Float32Array.from(rows, (_, i) => (i < real.length ? 1 : 0));
  let correct = 0;
  const cost = opt.minimize(
    () => {
      const logits = d.apply(t.tensor2d(x, [rows.length, DISCRIMINATOR_INPUTS]));
      logits.dataSync().forEach((z, i) => (correct += z > 0 === labels[i] > 0.5 ? 1 : 0));
      return t.losses.sigmoidCrossEntropy<TF.Tensor, TF.Scalar>(t.tensor1d(labels), logits);
    },
    true,
    d.variables,
  );
  cost?.dispose();
  return correct / rows.length;
}

/** REINFORCE: minus the advantage-weighted log-probability of every choice made, minus an entropy bonus. */
function policyStep(
  policy: Scorer,
  opt: TF.Optimizer,
  samples: { a: Arrangement; advantage: number }[],
  settings: TrainSettings,
): void {
  const t = tf();
  const steps = samples.flatMap(({ a, advantage }) => a.steps.map((s) => ({ ...s, advantage })));
  if (steps.length === 0) return;
  const width = Math.max(...steps.map((s) => s.rows));
  const x = new Float32Array(steps.length * width * POLICY_INPUTS);
  const mask = new Float32Array(steps.length * width).fill(-1e9);
  const chosen = new Float32Array(steps.length * width);
  const advantage = new Float32Array(steps.length);
  steps.forEach((s, i) => {
    x.set(s.x.subarray(0, s.rows * POLICY_INPUTS), i * width * POLICY_INPUTS);
    mask.fill(0, i * width, i * width + s.rows);
    chosen[i * width + s.chosen] = 1;
    advantage[i] = s.advantage / samples.length;
  });
  const cost = opt.minimize(
    () => {
      const scores = t.reshape(policy.apply(t.tensor2d(x, [steps.length * width, POLICY_INPUTS])), [
        steps.length,
        width,
      ]);
      const logp = t.logSoftmax(t.add(scores, t.tensor2d(mask, [steps.length, width])));
      const picked = t.sum(t.mul(logp, t.tensor2d(chosen, [steps.length, width])), 1);
      const entropy = t.neg(t.sum(t.mul(t.exp(logp), t.maximum(logp, -30))));
      return t.sub<TF.Scalar>(
        t.neg(t.sum(t.mul(picked, t.tensor1d(advantage)))),
        t.mul(entropy, settings.entropy / steps.length),
      );
    },
    true,
    policy.variables,
  );
  cost?.dispose();
}

export interface TrainInput {
  train: readonly Prepared[];
  validation: readonly Prepared[];
  inventory: readonly LeadForm[];
  settings?: Partial<TrainSettings>;
  progress: boolean;
  log: (message: string) => void;
}

/** Trains a policy and a discriminator on the training items' copy. */
export function train(input: TrainInput): Trained {
  const settings = { ...DEFAULT_SETTINGS, ...input.settings };
  const t = tf();
  const started = Date.now();
  const random = seededRandom(settings.seed);
  const policy = Scorer.create(
    { inputs: POLICY_INPUTS, hidden: settings.policyHidden, activation: 'tanh' },
    settings.seed,
    DEFAULT_POLICY,
  );
  const discriminator = Scorer.create(
    { inputs: DISCRIMINATOR_INPUTS, hidden: settings.discriminatorHidden, activation: 'relu' },
    settings.seed + 7,
  );
  const pOpt = t.train.adam(settings.policyRate);
  const dOpt = t.train.adam(settings.discriminatorRate);
  const inventory = input.inventory;
  const features = (read: ReadSentence[], e: Episode) => textFeatures(read, e.reader.maxWords, e.p.item.title);
  const sample = (e: Episode, pick = sampler(random, settings.temperature)) =>
    arrange(e.p, e.reader, { policy: policyScorer(policy.weights()), inventory, pick });
  const metrics: TrainMetrics = {
    trainItems: input.train.length,
    validationItems: input.validation.length,
    leadForms: inventory.length,
    epochs: [],
    validationRewardUntrained: NaN,
    validationRewardTrained: NaN,
    seconds: { total: 0 },
  };
  const validation = episodes(input.validation, seededRandom(settings.seed + 1));
  const untrained = validation.map((e) =>
    arrange(e.p, e.reader, { policy: policyScorer(policy.weights()), inventory }),
  );
  const bar = input.progress
    ? new SingleBar({ format: '{phase} [{bar}] {value}/{total} | {status} | {eta_formatted} left', etaBuffer: 20 })
    : undefined;

  const total = (settings.discriminatorWarmup + settings.epochs) * Math.ceil(input.train.length / settings.batch);
  bar?.start(total, 0, { phase: 'discriminator', status: '' });
  for (let pass = 0; pass < settings.discriminatorWarmup; pass++) {
    for (const batch of chunks(episodes(shuffle(random, [...input.train]), random), settings.batch)) {
      const acc = discriminatorStep(
        discriminator,
        dOpt,
        batch.map((e) => features(e.real, e)),
        batch.map((e) => features(sample(e).read, e)),
      );
      bar?.increment(1, { phase: 'discriminator', status: `accuracy ${acc.toFixed(2)}` });
    }
  }
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    const t0 = Date.now();
    let rewardSum = 0;
    let rewardCount = 0;
    let accSum = 0;
    let accCount = 0;
    for (const batch of chunks(episodes(shuffle(random, [...input.train]), random), settings.batch)) {
      const d = discriminator.weights();
      const samples: { a: Arrangement; advantage: number }[] = [];
      const fakes: Float64Array[] = [];
      for (const e of batch) {
        const drawn = Array.from({ length: settings.samples }, () => sample(e));
        const rewards = drawn.map((a) => {
          const f = features(a.read, e);
          fakes.push(f);
          return sigmoid(mlpScore(d, f)) + personalBonus(a, e.reader);
        });
        const mean = rewards.reduce((x, y) => x + y, 0) / rewards.length;
        drawn.forEach((a, i) => samples.push({ a, advantage: rewards[i] - mean }));
        rewardSum += rewards.reduce((x, y) => x + y, 0);
        rewardCount += rewards.length;
      }
      policyStep(policy, pOpt, samples, settings);
      const acc = discriminatorStep(
        discriminator,
        dOpt,
        batch.map((e) => features(e.real, e)),
        fakes.filter((_, i) => i % settings.samples === 0),
      );
      accSum += acc;
      accCount++;
      bar?.increment(1, {
        phase: `epoch ${epoch}`,
        status: `reward ${(rewardSum / rewardCount).toFixed(3)} d acc ${acc.toFixed(2)}`,
      });
    }
    const validationReward = meanReward(
      validation,
      validation.map((e) => arrange(e.p, e.reader, { policy: policyScorer(policy.weights()), inventory })),
      discriminator,
    );
    metrics.epochs.push({
      epoch,
      reward: rewardSum / rewardCount,
      discriminatorAccuracy: accSum / accCount,
      validationReward,
      seconds: (Date.now() - t0) / 1000,
    });
    if (!bar)
      input.log(
        `epoch ${epoch}: reward ${(rewardSum / rewardCount).toFixed(3)}, validation reward ${validationReward.toFixed(3)}`,
      );
  }
  bar?.stop();
  const trained = validation.map((e) => arrange(e.p, e.reader, { policy: policyScorer(policy.weights()), inventory }));
  metrics.validationRewardUntrained = meanReward(validation, untrained, discriminator);
  metrics.validationRewardTrained = meanReward(validation, trained, discriminator);
  metrics.seconds.total = (Date.now() - started) / 1000;
  input.log(
    `validation reward (final discriminator): untrained ${metrics.validationRewardUntrained.toFixed(3)}, trained ${metrics.validationRewardTrained.toFixed(3)}`,
  );
  return { policy, discriminator, metrics };
}

function meanReward(episodesOf: readonly Episode[], texts: readonly Arrangement[], discriminator: Scorer): number {
  const d = discriminator.weights();
  let sum = 0;
  texts.forEach((a, i) => {
    const e = episodesOf[i];
    sum += sigmoid(mlpScore(d, textFeatures(a.read, e.reader.maxWords, e.p.item.title))) + personalBonus(a, e.reader);
  });
  return texts.length === 0 ? NaN : sum / texts.length;
}
