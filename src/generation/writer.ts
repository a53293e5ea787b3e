/**
 * Serving: the copy one reader gets for one item. The policy proposes a few arrangements (its
 * best, and its runners-up for the opening sentence and the lead); the discriminator, when the
 * model version has one, re-ranks them by how much they read like the shop's own copy, with the
 * same bonus for leading with the reader's interests that training rewards. Plain JavaScript
 * over the version's exported weights; no TensorFlow.js.
 */
import { arrange, Arrangement, Picker, Reader, mentions } from './arrange';
import { Prepared } from './prepare';
import { Claim, render } from './facts';
import { DEFAULT_POLICY, DISCRIMINATOR_INPUTS, POLICY_INPUTS, textFeatures } from './features';
import { linearOnly, mlpScore, mlpScores, MlpWeights, sigmoid } from './kernels';
import { BUILTIN_FORMS, LeadForm } from './lead';
import { words } from '../personalisation/tokenise';

/** What a model version is to serving. */
export interface CopyModel {
  /** Null for the untrained policy (no model version stored). */
  version: string | null;
  policy: MlpWeights;
  discriminator: MlpWeights | null;
  inventory: LeadForm[];
}

export const UNTRAINED: CopyModel = {
  version: null,
  policy: linearOnly(DEFAULT_POLICY),
  discriminator: null,
  inventory: BUILTIN_FORMS,
};

export interface Written {
  text: string;
  claims: Claim[];
  /** Focus terms the text names, strongest first. */
  highlights: string[];
  lead: boolean;
  leadText: string | null;
  focusFirst: boolean;
  composed: boolean;
  words: number;
}

/** The reward's personal part, used alike in training and in re-ranking (see train/reinforce.ts). */
export function personalBonus(a: Arrangement, reader: Reader): number {
  if (reader.focus.length === 0) return 0;
  return (a.focusFirst ? 0.6 : 0) + (a.lead ? 0.3 : 0);
}

/** P(real) of an arrangement's text, per the discriminator. */
export function realness(d: MlpWeights, a: Arrangement, reader: Reader, title: string): number {
  return sigmoid(mlpScore(d, textFeatures(a.read, reader.maxWords, title)));
}

/** Picks the best candidate except at one step, where it takes the one ranked `rank` (or the best). */
function runnerUp(step: 'first' | 'lead', rank: number): Picker {
  return (scores, at) => {
    const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
    return at === step ? (order[rank] ?? order[0]) : order[0];
  };
}

export function policyScorer(m: MlpWeights): (x: Float64Array, rows: number) => Float64Array {
  if (m.inputs !== POLICY_INPUTS) throw new Error(`policy takes ${m.inputs} inputs, features have ${POLICY_INPUTS}`);
  return (x, rows) => mlpScores(m, x, rows);
}

/** Candidate arrangements: the policy's best, then its runners-up for the opening and the lead. */
export function candidates(p: Prepared, reader: Reader, model: CopyModel): Arrangement[] {
  const policy = policyScorer(model.policy);
  const out: Arrangement[] = [arrange(p, reader, { policy, inventory: model.inventory })];
  if (model.discriminator === null) return out;
  const seen = new Set([out[0].segments.map((s) => s.text).join('')]);
  for (const picker of [runnerUp('first', 1), runnerUp('first', 2), runnerUp('lead', 1), runnerUp('lead', 2)]) {
    const a = arrange(p, reader, { policy, inventory: model.inventory, pick: picker });
    const key = a.segments.map((s) => s.text).join('');
    if (!seen.has(key)) {
      seen.add(key);
      out.push(a);
    }
  }
  return out;
}

/**
 * The copy for one reader. Generic copy (no focus terms) is the description's own opening, in
 * its order, as the untrained policy writes it: nothing to arrange for, and the shop's words as
 * the shop ordered them.
 */
export function write(p: Prepared, reader: Reader, model: CopyModel): Written {
  const options = candidates(p, reader, reader.focus.length === 0 ? UNTRAINED : model);
  let best = options[0];
  if (model.discriminator !== null && options.length > 1) {
    if (model.discriminator.inputs !== DISCRIMINATOR_INPUTS)
      throw new Error('discriminator does not match the text features');
    let bestScore = -Infinity;
    for (const a of options) {
      const score = realness(model.discriminator, a, reader, p.item.title) + personalBonus(a, reader);
      if (score > bestScore) {
        bestScore = score;
        best = a;
      }
    }
  }
  const { text, claims } = render(best.segments);
  const folds = words(text);
  return {
    text,
    claims,
    highlights: reader.focus.filter((f) => mentions(folds, f)),
    lead: best.lead,
    leadText: best.leadText,
    focusFirst: best.focusFirst,
    composed: best.composed,
    words: best.words,
  };
}
