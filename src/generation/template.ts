/**
 * The template baseline of the evaluation (what issue 13 compares against): one sentence of the
 * item's facts, led by the focus terms. Written for the magazines as the GRU's baseline was, so
 * its figures stay comparable with the earlier reports; not used to serve.
 */
import type { ItemFacts } from './facts';
import { labelOf } from './facts';
import { normaliseTerm } from '../personalisation/tokenise';

function list(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** "Title is a magazine about C1 and C2 from Brand." (the brand left out when the title names it). */
export function sentenceFromFacts(item: ItemFacts): string {
  const cats = [...item.categories]
    .reverse()
    .filter((c) => normaliseTerm(c) !== 'magazine subscription')
    .slice(0, 2);
  const title = item.title.trim() || item.brand || 'This magazine';
  let text = `${title} is a magazine`;
  if (cats.length > 0) text += ` about ${list(cats)}`;
  const titleWords = new Set((normaliseTerm(title) ?? '').split(' '));
  const brandWords = (normaliseTerm(item.brand ?? '') ?? '').split(' ');
  if (item.brand && !brandWords.some((w) => titleWords.has(w))) text += ` from ${item.brand}`;
  return `${text}.`;
}

export function templateDescription(item: ItemFacts, focus: readonly string[]): string {
  const facts = sentenceFromFacts(item);
  if (focus.length === 0) return facts;
  const labels = focus.slice(0, 3).map((f) => labelOf(item, f)?.text ?? f);
  return `For readers who care about ${list(labels)}: ${facts}`;
}
