/** Texts written without the model: the generic description and the template baseline. */
import { normaliseTerm } from '../personalisation/tokenise';
import { itemSlots, SlotItem } from './slots';
import { cleanText } from './text';

function label(item: SlotItem, term: string): string {
  for (const l of [...item.tags, ...item.categories, item.brand ?? '']) if (normaliseTerm(l) === term) return l;
  return term;
}

function list(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * A plain sentence from the item's title, brand and most specific categories, for items that
 * have no description of their own.
 */
export function sentenceFromFacts(item: SlotItem): string {
  const slots = itemSlots(item);
  const cats = slots.filter((s) => s.slot.startsWith('<cat')).slice(0, 2).map((s) => s.surface);
  const title = item.title.trim() || item.brand || 'This magazine';
  let text = `${title} is a magazine`;
  if (cats.length > 0) text += ` about ${list(cats)}`;
  // The publisher is left out when it repeats the title's words ("Home & Design" from "Home & Design Magazine").
  const titleWords = new Set((normaliseTerm(title) ?? '').split(' '));
  const brandWords = (normaliseTerm(item.brand ?? '') ?? '').split(' ');
  if (item.brand && !brandWords.some((w) => titleWords.has(w))) text += ` from ${item.brand}`;
  return `${text}.`;
}

/** The non-personalised description: the item's own, cleaned, or a sentence built from its facts. */
export function genericDescription(item: SlotItem): string {
  const own = item.description ? cleanText(item.description) : '';
  return own !== '' ? own : sentenceFromFacts(item);
}

/** The template baseline of the evaluation: the facts sentence, led by the focus terms. */
export function templateDescription(item: SlotItem, focus: string[]): string {
  const facts = sentenceFromFacts(item);
  if (focus.length === 0) return facts;
  return `For readers who care about ${list(focus.slice(0, 3).map((f) => label(item, f)))}: ${facts}`;
}

/** The item's own label for a normalised term (original casing of its tag, category or brand). */
export function termLabel(item: SlotItem, term: string): string {
  return label(item, term);
}
