/** Turns free text, tags, categories and brands into the normalised terms every other module compares. */
import pluralize from 'pluralize';
import { eng as englishStopwords } from 'stopword';

// Fields of study and similar words ending in -ics are singular nouns (physics, economics).
pluralize.addUncountableRule(/ics$/i);

const STOPWORDS: ReadonlySet<string> = new Set([
  ...englishStopwords,
  // Words that open almost every product description and say nothing about the product.
  'also',
  'will',
  'may',
  'can',
  'one',
  'get',
  'every',
  'issue',
  'issues',
  'new',
]);

/**
 * Lower case, accents removed (NFKD then combining marks dropped), `&` read as "and",
 * every run of other punctuation a single space.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** pluralize's singular rules can take two steps ("womens" -> "women" -> "woman"); none here takes more. */
const MAX_SINGULAR_STEPS = 4;

/**
 * Singular form of one folded word; numbers and very short words are left alone. The singular of
 * a singular is itself (the steps are followed to the end), so normalising a term again never
 * changes it: "Women's Interest" and "Women" both become "woman ...".
 */
export function singularise(word: string): string {
  let w = word;
  for (let step = 0; step < MAX_SINGULAR_STEPS; step++) {
    if (w.length <= 3 || /\d/.test(w)) return w;
    const next = pluralize.singular(w);
    if (next === w) return w;
    w = next;
  }
  return w;
}

/** The words of a text, folded and singularised, in order (stopwords kept: phrases need them). */
export function words(text: string): string[] {
  const folded = foldText(text);
  return folded === '' ? [] : folded.split(' ').map(singularise);
}

/**
 * A tag, category or brand as one term: its folded, singular words joined by single spaces
 * ("Arts, Music &amp; Photography" is decoded upstream; "Science Fictions" -> "science fiction").
 * Returns null when nothing is left.
 */
export function normaliseTerm(label: string): string | null {
  const ws = words(label);
  return ws.length === 0 ? null : ws.join(' ');
}

/** Content words of a free text (search queries, descriptions): folded, singular, no stopwords. */
export function contentWords(text: string): string[] {
  return words(text).filter((w) => w.length > 1 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** What an item's feature vector is built from: each tag, category and the brand, as terms. */
export interface TermSource {
  tags?: readonly string[] | null;
  categories?: readonly string[] | null;
  brand?: string | null;
}

/**
 * The item's terms with their counts (term frequency): a term named both as a tag and as a
 * category counts twice, which is the item saying it twice.
 */
export function itemTermCounts(
  item: TermSource,
  // A memoised normaliseTerm: building an index normalises the same few labels millions of times.
  normalise: (label: string) => string | null = normaliseTerm,
): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (label: string) => {
    const term = normalise(label);
    if (term !== null) counts.set(term, (counts.get(term) ?? 0) + 1);
  };
  for (const tag of item.tags ?? []) add(tag);
  for (const category of item.categories ?? []) add(category);
  if (item.brand) add(item.brand);
  return counts;
}

/**
 * The known terms a search query names: every run of one to `maxWords` consecutive query
 * words that is itself a term (so "science fiction magazines" finds "science fiction" and
 * "magazine"), each at most once.
 */
export function queryTerms(query: string, isKnown: (term: string) => boolean, maxWords = 4): string[] {
  const ws = words(query);
  const found = new Set<string>();
  for (let start = 0; start < ws.length; start++) {
    for (let len = 1; len <= maxWords && start + len <= ws.length; len++) {
      const phrase = ws.slice(start, start + len);
      if (len === 1 && isStopword(phrase[0])) continue;
      const term = phrase.join(' ');
      if (isKnown(term)) found.add(term);
    }
  }
  return [...found];
}
