/**
 * Training: maximum-likelihood pre-training of the generator with teacher forcing, pre-training
 * of the discriminator on real versus sampled texts, then SeqGAN-style adversarial fine-tuning.
 *
 * The adversarial reward is the discriminator's P(real) of each complete sampled sequence, with
 * REINFORCE and a per-item baseline (the mean reward of the other samples written for the same
 * item), not SeqGAN's Monte-Carlo rollouts: rollouts cost one decode per prefix length, which the
 * pure JavaScript CPU backend cannot afford within the time budget. Each generator update also
 * takes a teacher-forced step on real text (as SeqGAN implementations commonly interleave), and
 * the discriminator is updated after every generator step.
 */
import { SingleBar } from 'cli-progress';
import type * as TF from '@tensorflow/tfjs';
import { seededRandom, shuffle } from '../util/random';
import { tf } from './backend';
import { DEFAULT_DECODE, sampleSequences } from './decode';
import { Discriminator, Generator, padBatch } from './model';
import { buildLexicon } from './slots';
import { buildVocabulary, EOS, Example, PAD, SEP, trainingExample, Vocabulary } from './vocabulary';
import type { CatalogueItem } from './data';

export interface Preset {
  name: string;
  maxTrainItems: number;
  vocabWords: number;
  maxTokens: number;
  embedding: number;
  hidden: number;
  discEmbedding: number;
  filters: number;
  batch: number;
  epochs: number;
  patience: number;
  learningRate: number;
  discEpochs: number;
  advRounds: number;
  advItems: number;
  advSamples: number;
  /** Wall-clock budget for the whole run; phases stop early to stay inside it. */
  budgetMinutes: number;
}

export const PRESETS: Record<string, Preset> = {
  tiny: { name: 'tiny', maxTrainItems: 60, vocabWords: 150, maxTokens: 16, embedding: 16, hidden: 24, discEmbedding: 12, filters: 12, batch: 30, epochs: 2, patience: 1, learningRate: 0.01, discEpochs: 1, advRounds: 2, advItems: 8, advSamples: 2, budgetMinutes: 1 },
  sample: { name: 'sample', maxTrainItems: 400, vocabWords: 500, maxTokens: 36, embedding: 32, hidden: 48, discEmbedding: 24, filters: 32, batch: 32, epochs: 10, patience: 2, learningRate: 0.006, discEpochs: 2, advRounds: 12, advItems: 16, advSamples: 4, budgetMinutes: 5 },
  full: { name: 'full', maxTrainItems: 5000, vocabWords: 800, maxTokens: 36, embedding: 48, hidden: 64, discEmbedding: 32, filters: 48, batch: 48, epochs: 12, patience: 2, learningRate: 0.005, discEpochs: 3, advRounds: 30, advItems: 24, advSamples: 4, budgetMinutes: 14 },
};

export interface TrainOptions {
  preset: Preset;
  seed: number;
  /** Progress bar on stderr (off in tests). */
  progress: boolean;
  log: (message: string) => void;
}

export interface TrainMetrics {
  preset: string;
  seed: number;
  trainItems: number;
  validationItems: number;
  vocabulary: number;
  generatorParameters: number;
  discriminatorParameters: number;
  epochs: { epoch: number; trainNll: number; validationNll: number; seconds: number }[];
  bestValidationNll: number;
  discriminatorPretrainAccuracy: number;
  adversarial: { round: number; reward: number; discriminatorLoss: number; discriminatorAccuracy: number }[];
  validationNllAfterAdversarial: number;
  seconds: { pretraining: number; discriminator: number; adversarial: number; total: number };
}

export interface Trained {
  vocab: Vocabulary;
  generator: Generator;
  /** The generator as it was after maximum-likelihood pre-training only. */
  pretrained: Generator;
  discriminator: Discriminator;
  metrics: TrainMetrics;
  config: { preset: Preset; decode: typeof DEFAULT_DECODE };
}

interface Batch {
  ids: Int32Array;
  batch: number;
  time: number;
  positions: Int32Array;
  targets: Int32Array;
}

/** Teacher forcing: the input is conditioning + text, each text token (and the end) predicted from what precedes it. */
function lmBatch(vocab: Vocabulary, examples: Example[], bodies?: number[][]): Batch {
  const sepId = vocab.id(SEP);
  const seqs = examples.map((ex, i) => [...ex.condition.map((c) => vocab.id(c)), ...(bodies ? bodies[i] : [...ex.target.map((x) => vocab.id(x)), vocab.id(EOS)])]);
  const { ids, batch, time } = padBatch(seqs.map((s) => s.slice(0, -1)), vocab.id(PAD));
  const positions: number[] = [];
  const targets: number[] = [];
  seqs.forEach((s, b) => {
    const start = s.indexOf(sepId);
    for (let p = start; p < s.length - 1; p++) {
      positions.push(b * time + p);
      targets.push(s[p + 1]);
    }
  });
  return { ids, batch, time, positions: Int32Array.from(positions), targets: Int32Array.from(targets) };
}

function chunks<T>(values: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/** Mean per-token negative log-likelihood of real texts (no dropout). */
export function evaluateNll(g: Generator, vocab: Vocabulary, examples: Example[], batchSize = 64): number {
  const t = tf();
  let total = 0;
  let count = 0;
  for (const chunk of chunks(examples, batchSize)) {
    const b = lmBatch(vocab, chunk);
    total += t.tidy(() => g.weightedNll(b.ids, b.batch, b.time, b.positions, b.targets, new Float32Array(b.targets.length).fill(1)).dataSync()[0]);
    count += b.targets.length;
  }
  return count === 0 ? NaN : total / count;
}

function discriminatorSeqs(vocab: Vocabulary, examples: Example[], bodies: number[][]): number[][] {
  return examples.map((ex, i) => [...ex.condition.map((c) => vocab.id(c)), ...bodies[i]]);
}

function realBodies(vocab: Vocabulary, examples: Example[]): number[][] {
  return examples.map((ex) => [...ex.target.map((x) => vocab.id(x)), vocab.id(EOS)]);
}

/** One discriminator update on real and generated sequences; returns loss and accuracy. */
function discriminatorStep(d: Discriminator, optimizer: TF.Optimizer, real: number[][], fake: number[][], padId: number): { loss: number; accuracy: number } {
  const t = tf();
  const seqs = [...real, ...fake];
  const labels = Float32Array.from(seqs.map((_, i) => (i < real.length ? 1 : 0)));
  const { ids, mask, batch, time } = padBatch(seqs, padId);
  let logits: Float32Array = new Float32Array();
  const loss = optimizer.minimize(
    () => {
      const l = d.logit(ids, mask, batch, time);
      logits = l.dataSync() as Float32Array;
      return t.losses.sigmoidCrossEntropy(t.tensor1d(labels), l) as TF.Scalar;
    },
    true,
    d.variables,
  )!;
  const value = loss.dataSync()[0];
  loss.dispose();
  let correct = 0;
  logits.forEach((z, i) => {
    if (z > 0 === labels[i] > 0.5) correct++;
  });
  return { loss: value, accuracy: correct / seqs.length };
}

/** Discriminator accuracy on held-out real texts versus texts sampled for the same items. */
export function discriminatorAccuracy(d: Discriminator, real: number[][], fake: number[][]): number {
  const pr = d.score(real);
  const pf = d.score(fake);
  let correct = 0;
  pr.forEach((p) => (correct += p > 0.5 ? 1 : 0));
  pf.forEach((p) => (correct += p <= 0.5 ? 1 : 0));
  return correct / (pr.length + pf.length);
}

function sampledBodies(g: Generator, vocab: Vocabulary, examples: Example[], samples: number, seed: number, temperature = 1): number[][] {
  const { rows } = sampleSequences(g, vocab, examples, { ...DEFAULT_DECODE, candidates: samples, temperature, focusBoost: 0, seed, maxTokens: Math.max(...examples.map((e) => e.target.length)) + 4, minTokens: 4 });
  return rows.map((r) => (r.tokens[r.tokens.length - 1] === vocab.id(EOS) ? r.tokens : [...r.tokens, vocab.id(EOS)]));
}

/** Trains a generator and a discriminator on the described items of `train`, validating on `validation`. */
export function train(trainItems: CatalogueItem[], validationItems: CatalogueItem[], catalogue: CatalogueItem[], options: TrainOptions): Trained {
  const t = tf();
  const { preset, seed, log } = options;
  const started = Date.now();
  const deadline = started + preset.budgetMinutes * 60_000;
  const random = seededRandom(seed);
  const trainEx = shuffle(random, trainItems.map((i) => trainingExample(i, preset.maxTokens)).filter((e): e is Example => e !== null)).slice(0, preset.maxTrainItems);
  const lexicon = buildLexicon(catalogue);
  const vocab = buildVocabulary(trainEx, trainItems, lexicon, preset.vocabWords);
  const valEx = validationItems.map((i) => trainingExample(i, preset.maxTokens)).filter((e): e is Example => e !== null);
  const padId = vocab.id(PAD);
  const generator = Generator.create({ vocabSize: vocab.size, embedding: preset.embedding, hidden: preset.hidden }, seed);
  const discriminator = Discriminator.create({ vocabSize: vocab.size, embedding: preset.discEmbedding, filters: preset.filters }, seed + 100);
  log(`training ${trainEx.length} descriptions (validation ${valEx.length}), vocabulary ${vocab.size}, generator ${generator.parameterCount} parameters, discriminator ${discriminator.parameterCount}`);
  const metrics: TrainMetrics = {
    preset: preset.name,
    seed,
    trainItems: trainEx.length,
    validationItems: valEx.length,
    vocabulary: vocab.size,
    generatorParameters: generator.parameterCount,
    discriminatorParameters: discriminator.parameterCount,
    epochs: [],
    bestValidationNll: Infinity,
    discriminatorPretrainAccuracy: NaN,
    adversarial: [],
    validationNllAfterAdversarial: NaN,
    seconds: { pretraining: 0, discriminator: 0, adversarial: 0, total: 0 },
  };
  const bar = options.progress
    ? new SingleBar({ format: '{phase} [{bar}] {value}/{total} | {losses} | {eta_formatted} left', stopOnComplete: false, clearOnComplete: false, etaBuffer: 20 }, undefined)
    : undefined;

  // 1. Maximum likelihood with teacher forcing, early stopping on validation NLL.
  const gOpt = t.train.adam(preset.learningRate);
  const batchesPerEpoch = Math.ceil(trainEx.length / preset.batch);
  const pretrainBudget = started + preset.budgetMinutes * 60_000 * 0.6;
  bar?.start(preset.epochs * batchesPerEpoch, 0, { phase: 'pre-train', losses: '' });
  let best: Record<string, TF.Tensor> | null = null;
  let stale = 0;
  for (let epoch = 1; epoch <= preset.epochs; epoch++) {
    const t0 = Date.now();
    // Batches of similar length waste less time on padding; their order is shuffled.
    const order = shuffle(random, [...trainEx]).sort((a, b) => a.target.length - b.target.length);
    const batches = shuffle(random, chunks(order, preset.batch));
    let sum = 0;
    let count = 0;
    for (const chunk of batches) {
      const b = lmBatch(vocab, chunk);
      const w = new Float32Array(b.targets.length).fill(1 / b.targets.length);
      const cost = gOpt.minimize(() => generator.weightedNll(b.ids, b.batch, b.time, b.positions, b.targets, w, 0.2), true, generator.variables)!;
      sum += cost.dataSync()[0] * b.targets.length;
      count += b.targets.length;
      cost.dispose();
      bar?.increment(1, { losses: `train nll ${(sum / count).toFixed(3)}` });
    }
    const validationNll = evaluateNll(generator, vocab, valEx);
    const seconds = (Date.now() - t0) / 1000;
    metrics.epochs.push({ epoch, trainNll: sum / count, validationNll, seconds });
    bar?.update({ losses: `train nll ${(sum / count).toFixed(3)} val nll ${validationNll.toFixed(3)}` });
    if (!bar) log(`epoch ${epoch}: train nll ${(sum / count).toFixed(3)}, validation nll ${validationNll.toFixed(3)}, ${seconds.toFixed(1)} s`);
    if (validationNll < metrics.bestValidationNll - 1e-3) {
      metrics.bestValidationNll = validationNll;
      if (best) Object.values(best).forEach((x) => x.dispose());
      best = generator.snapshot();
      stale = 0;
    } else if (++stale >= preset.patience) {
      log(`early stop after epoch ${epoch}`);
      break;
    }
    if (Date.now() + seconds * 1000 > pretrainBudget) {
      log(`pre-training stops after epoch ${epoch}: time budget`);
      break;
    }
  }
  bar?.stop();
  if (best) generator.assign(best);
  const pretrained = Generator.create(generator.config, seed);
  pretrained.assign(best ?? generator.snapshot());
  metrics.seconds.pretraining = (Date.now() - started) / 1000;

  // 2. Discriminator pre-training: real descriptions versus samples of the pre-trained generator.
  const t1 = Date.now();
  const dOpt = t.train.adam(0.005);
  const discBatches = chunks(trainEx, preset.batch);
  // Checked every batch: one epoch of convolution gradients on the CPU backend takes minutes, and
  // checked per epoch this phase overran the budget and left adversarial training no rounds.
  const discDeadline = started + preset.budgetMinutes * 60_000 * 0.7;
  bar?.start(preset.discEpochs * discBatches.length, 0, { phase: 'discriminator', losses: '' });
  discriminatorEpochs: for (let epoch = 0; epoch < preset.discEpochs; epoch++) {
    for (const [i, chunk] of discBatches.entries()) {
      if (epoch + i > 0 && Date.now() > discDeadline) {
        log(`discriminator pre-training stops in epoch ${epoch + 1} after ${i} batches: time budget`);
        break discriminatorEpochs;
      }
      const fake = discriminatorSeqs(vocab, chunk, sampledBodies(generator, vocab, chunk, 1, seed + epoch * 1000 + i));
      const real = discriminatorSeqs(vocab, chunk, realBodies(vocab, chunk));
      const { loss, accuracy } = discriminatorStep(discriminator, dOpt, real, fake, padId);
      bar?.increment(1, { losses: `d loss ${loss.toFixed(3)} acc ${accuracy.toFixed(2)}` });
    }
  }
  bar?.stop();
  const valReal = discriminatorSeqs(vocab, valEx, realBodies(vocab, valEx));
  const valFake = discriminatorSeqs(vocab, valEx, sampledBodies(generator, vocab, valEx, 1, seed + 7));
  metrics.discriminatorPretrainAccuracy = discriminatorAccuracy(discriminator, valReal, valFake);
  log(`discriminator validation accuracy after pre-training: ${metrics.discriminatorPretrainAccuracy.toFixed(3)}`);
  metrics.seconds.discriminator = (Date.now() - t1) / 1000;

  // 3. Adversarial fine-tuning: REINFORCE with the discriminator's score as reward.
  const t2 = Date.now();
  const advOpt = t.train.adam(preset.learningRate / 5);
  bar?.start(preset.advRounds, 0, { phase: 'adversarial', losses: '' });
  for (let round = 1; round <= preset.advRounds; round++) {
    if (Date.now() > deadline) {
      log(`adversarial training stops at round ${round}: time budget`);
      break;
    }
    const items = shuffle(random, [...trainEx]).slice(0, preset.advItems);
    const K = preset.advSamples;
    const bodies = sampledBodies(generator, vocab, items, K, seed + 50_000 + round);
    const repeated = bodies.map((_, i) => items[Math.floor(i / K)]);
    const rewards = discriminator.score(discriminatorSeqs(vocab, repeated, bodies));
    // Per-item baseline: mean reward of that item's samples.
    const advantages = new Float32Array(bodies.length);
    for (let i = 0; i < items.length; i++) {
      let mean = 0;
      for (let k = 0; k < K; k++) mean += rewards[i * K + k] / K;
      for (let k = 0; k < K; k++) advantages[i * K + k] = rewards[i * K + k] - mean;
    }
    const pg = lmBatch(vocab, repeated, bodies);
    const seqOfTarget = Float32Array.from(pg.positions, (p) => advantages[Math.floor(p / pg.time)] / bodies.length);
    const mle = lmBatch(vocab, items);
    const mleW = new Float32Array(mle.targets.length).fill(1 / mle.targets.length);
    const cost = advOpt.minimize(
      () => t.add(generator.weightedNll(pg.ids, pg.batch, pg.time, pg.positions, pg.targets, seqOfTarget), generator.weightedNll(mle.ids, mle.batch, mle.time, mle.positions, mle.targets, mleW)) as TF.Scalar,
      true,
      generator.variables,
    )!;
    cost.dispose();
    // Discriminator update on fresh samples of the updated generator.
    const fake = discriminatorSeqs(vocab, items, sampledBodies(generator, vocab, items, 1, seed + 90_000 + round));
    const real = discriminatorSeqs(vocab, items, realBodies(vocab, items));
    const d = discriminatorStep(discriminator, dOpt, real, fake, padId);
    const reward = rewards.reduce((a, b) => a + b, 0) / rewards.length;
    metrics.adversarial.push({ round, reward, discriminatorLoss: d.loss, discriminatorAccuracy: d.accuracy });
    bar?.increment(1, { losses: `reward ${reward.toFixed(3)} d loss ${d.loss.toFixed(3)} d acc ${d.accuracy.toFixed(2)}` });
  }
  bar?.stop();
  metrics.validationNllAfterAdversarial = evaluateNll(generator, vocab, valEx);
  log(`validation nll: ${metrics.bestValidationNll.toFixed(3)} after pre-training, ${metrics.validationNllAfterAdversarial.toFixed(3)} after adversarial training`);
  metrics.seconds.adversarial = (Date.now() - t2) / 1000;
  metrics.seconds.total = (Date.now() - started) / 1000;
  if (best) Object.values(best).forEach((x) => x.dispose());
  return { vocab, generator, pretrained, discriminator, metrics, config: { preset, decode: DEFAULT_DECODE } };
}
