/**
 * What training and the evaluation simulate: readers of an item (a few of its own terms as the
 * focus a user who shares them would have, and a word budget), the shop's real copy for a
 * budget (the description's own opening, whole sentences in order), and sampled choices.
 */
import type { Picker, Reader } from '../arrange';
import type { Prepared } from '../prepare';
import type { ReadSentence } from '../features';
import { normaliseTerm } from '../../personalisation/tokenise';
import { randomInt, shuffle } from '../../util/random';

/** The budgets training writes for: around the API's default, both ways. */
export const TRAINING_BUDGETS = [25, 40, 60, 90, 130];

/** The item's own terms a reader can share: its tags, categories (not the root one) and brand, normalised. */
export function itemTerms(p: Prepared): string[] {
  const labels = [...p.item.tags, ...p.item.categories.slice(p.item.categories.length > 1 ? 1 : 0), p.item.brand ?? ''];
  return [...new Set(labels.map((l) => normaliseTerm(l)).filter((t): t is string => t !== null))];
}

/** A reader who shares `count` of the item's terms (strongest first in the order drawn). */
export function sampleReader(p: Prepared, random: () => number, count: number, maxWords: number): Reader {
  return { focus: shuffle(random, itemTerms(p)).slice(0, count), maxWords };
}

/** A training reader: one to three shared terms, or (one time in five) none; a budget from TRAINING_BUDGETS. */
export function trainingReader(p: Prepared, random: () => number): Reader {
  const count = random() < 0.2 ? 0 : 1 + randomInt(random, 3);
  return sampleReader(p, random, count, TRAINING_BUDGETS[randomInt(random, TRAINING_BUDGETS.length)]);
}

/**
 * The shop's real copy for a budget: the description's usable sentences from its start, in its
 * order, as many whole ones as fit. Null when not even the first fits.
 */
export function realCopy(p: Prepared, maxWords: number): ReadSentence[] | null {
  const out: ReadSentence[] = [];
  let used = 0;
  for (const s of p.sentences) {
    if (!s.usable) continue;
    if (used + s.words > maxWords) break;
    out.push({
      text: s.text,
      anaphoric: out.length > 0 && s.anaphoric,
      complete: p.complete[s.index],
      content: p.content[s.index],
    });
    used += s.words;
  }
  return out.length === 0 ? null : out;
}

/** Samples a candidate with probability softmax(score / temperature). */
export function sampler(random: () => number, temperature: number): Picker {
  return (scores) => {
    let max = -Infinity;
    for (const s of scores) if (s > max) max = s;
    let total = 0;
    const w = Array.from(scores, (s) => {
      const e = Math.exp((s - max) / temperature);
      total += e;
      return e;
    });
    let u = random() * total;
    for (let i = 0; i < w.length; i++) {
      u -= w[i];
      if (u <= 0) return i;
    }
    return w.length - 1;
  };
}
