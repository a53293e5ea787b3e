/**
 * Derives a magazine's display title when the scraped `title` is broken HTML: from a real
 * title if there is one, else from the name that opens (or early names) the description,
 * else from the publisher.
 */
import { cleanText, decodeEntities, stripHtml } from './text';

export type TitleSource = 'title' | 'emphasis' | 'description' | 'brand' | 'id';

export interface DisplayTitle {
  title: string;
  source: TitleSource;
  /** The subscription term a real title carried, e.g. "1-year" from "Fortune (1-year)". */
  term: string | null;
}

export interface TitleInput {
  id: string;
  rawTitle: string;
  /** The description as scraped (HTML kept: italics mark titles). */
  rawDescription: string;
  brand: string | null;
}

// Verbs that follow a magazine's name when a description opens with it ("Glamour gives you ...").
const PREDICATES = new Set(
  ('is are was has have features covers offers gives brings provides contains includes delivers focuses ' +
    'publishes presents celebrates explores helps serves keeps showcases reports examines combines inspires ' +
    'takes puts informs reaches connects shows tells highlights spotlights captures remains continues targets ' +
    'caters aims emphasizes emphasises speaks specializes specialises profiles reviews teaches tracks appeals ' +
    'introduces answers honors honours blends mixes guides lets makes motivates empowers entertains educates ' +
    'encourages equips goes challenges provide offer cover feature give bring deliver contain include ' +
    'magazine\'s publication\'s was launched began debuted returns knows invites takes sets stands ' +
    'focusses chronicles documents investigates details depicts discusses addresses looks seeks strives ' +
    'gathers collects dedicates devotes treats explains enables allows supplies lists ranks rates tests')
    .split(/\s+/),
);

// Words that are verbs after a name but plural nouns after an adjective ("Regular features include").
const AMBIGUOUS_PLURALS = new Set(['features', 'reviews', 'profiles', 'covers', 'tests', 'lists', 'ranks', 'rates', 'details', 'documents', 'reports', 'guides', 'shows', 'includes']);
const FOLLOWING_VERBS = new Set(['include', 'are', 'cover', 'range', 'were', 'offer', 'and', ',']);

// "X magazine is ..." : the lower-case noun between the name and the verb is not part of the name.
const PUBLICATION_NOUNS = new Set(['magazine', 'journal', 'publication', 'newsletter', 'newspaper', 'quarterly', 'digest', 'bulletin', 'review']);

// Lower-case words that may sit inside a name ("Car and Driver", "Welcome to Ukraine", "Town & Country").
const CONNECTORS = new Set(['+', 'of', 'the', 'and', '&', 'for', 'to', 'in', 'on', 'de', 'du', 'des', 'la', 'le', 'el', 'y', 'a', 'an', 'at', "n'", 'or']);

const PLURAL_VERBS = new Set(['are', 'were', 'have', 'include', 'cover', 'offer', 'range']);
const ARTICLES = new Set(['the', 'a', 'an', 'your', 'its', 'our']);

// Words that open a sentence rather than a name ("Each issue ...", "Every issue of Shooting Times");
// stripped from the front of a capitalised run.
const OPENERS = new Set(
  ('also regular special plus a an this that these our your its their his her my we you it they she he ' +
    'each every any all no if with from for in on at by as of to and or but so get now here there what when where who how why')
    .split(/\s+/),
);

// A run made only of these (and openers) describes the magazine rather than naming it
// ("Bi-monthly French magazine is ..."), so it is not taken as a title; inside a longer name
// they are kept ("Popular Mechanics", "National Geographic Kids").
const DESCRIPTORS = new Set(
  ('weekly monthly bi-monthly bimonthly quarterly annual biannual daily yearly semi-annual bi-weekly biweekly ' +
    'french italian german british spanish english japanese dutch swedish russian chinese canadian australian ' +
    'european international national official new latest best premier leading popular readers subscribers ' +
    'nobody must news lifestyle emphasis included purpose articles columns contributors submissions projects ' +
    'magazine journal publication newsletter newspaper issue issues edition subscription subscriptions ' +
    'published publishes written edited devoted dedicated focuses covers features provides offers includes contains')
    .split(/\s+/),
);

// "Fortune (1-year)": the subscription term is an offer, not part of the name.
const SUBSCRIPTION_TERM = /\s*\((\d+[- ](?:year|month|issue)s?|[a-z ]*edition)\)\s*$/i;

interface Token {
  text: string;
  /** Start offset in the text, to stop scanning after the opening sentences. */
  start: number;
}

const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}'’\-&.]*[\p{L}\p{N}]|[\p{L}\p{N}]|[,;:.!?()"“”]|[&+]/gu;

function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    // A word ending a sentence keeps its full stop apart ("Rochester." -> "Rochester", ".").
    let word = m[0];
    if (word.length > 1 && word.endsWith('.') && !/^(?:[A-Z]\.)+$/.test(word)) word = word.slice(0, -1);
    tokens.push({ text: word, start: m.index ?? 0 });
  }
  return tokens;
}

function isCapitalised(token: string): boolean {
  return /^[\p{Lu}\p{N}]/u.test(token) && /\p{L}/u.test(token);
}

function isWord(token: string): boolean {
  return /[\p{L}\p{N}]/u.test(token);
}

/** ALL-CAPS words longer than three letters read as names ("REASON" -> "Reason"); acronyms (OWL, PC) stay. */
function normaliseCase(name: string): string {
  return name.replace(/[\p{L}'’]+/gu, (w) => {
    const letters = w.replace(/['’]/g, '');
    if (letters.length > 3 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) {
      return w.charAt(0) + w.slice(1).toLowerCase();
    }
    return w;
  });
}

function joinName(tokens: string[]): string {
  return tokens.join(' ').replace(/\s+:/g, ':').replace(/\s+([’']s)\b/g, '$1').trim();
}

function namesSomething(words: string[]): boolean {
  return words.some((w) => {
    const lower = w.toLowerCase();
    return isWord(w) && !OPENERS.has(lower) && !DESCRIPTORS.has(lower) && !CONNECTORS.has(lower);
  });
}

/** A lone capitalised adverb or adjective opening a sentence ("Lively ...", "Top-notch stories"), not a name. */
function isLoneModifier(words: string[]): boolean {
  if (words.length !== 1) return false;
  const w = words[0];
  if (w === w.toUpperCase()) return false;
  return /(ly|ive|ous)$/.test(w) || /-\p{Ll}/u.test(w);
}

interface Run {
  words: string[];
  startIndex: number;
  endIndex: number; // exclusive
}

/** Maximal runs of capitalised words, allowing connectors and "Title: Subtitle" inside. */
function capitalisedRuns(tokens: Token[]): Run[] {
  const runs: Run[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (!isCapitalised(tokens[i].text)) {
      i++;
      continue;
    }
    const start = i;
    let end = i + 1;
    while (end < tokens.length) {
      const t = tokens[end].text;
      if (isCapitalised(t)) {
        end++;
        continue;
      }
      // Up to two joining words ("Magazine of the Coast", "Tricycle: The Buddhist Review").
      let gap = 0;
      while (gap < 2 && end + gap < tokens.length && (CONNECTORS.has(tokens[end + gap].text.toLowerCase()) || tokens[end + gap].text === ':')) gap++;
      const next = tokens[end + gap]?.text;
      if (gap > 0 && next !== undefined && isCapitalised(next)) {
        end += gap + 1;
        continue;
      }
      break;
    }
    runs.push({ words: tokens.slice(start, end).map((t) => t.text), startIndex: start, endIndex: end });
    i = end;
  }
  return runs;
}

/** The name a description's opening sentences give the magazine, or null when none is clear. */
export function titleFromDescription(description: string, scanChars = 400): string | null {
  const tokens = tokenise(description).filter((t) => t.start < scanChars);
  let appositive: string | null = null;
  for (const run of capitalisedRuns(tokens)) {
    const before = tokens[run.startIndex - 1]?.text;
    // A quoted name is a column or feature inside the magazine, not the magazine.
    if (before === '"' || before === '“') continue;
    // "across the nation, the South sets ...": after a lower-case article the run is a noun in a sentence.
    if (before === 'the' || before === 'a' || before === 'an') continue;
    let words = run.words;
    // "Every issue of Shooting Times" is found as its own run; a leading opener is not part of a name.
    while (words.length > 1 && (OPENERS.has(words[0].toLowerCase()) || CONNECTORS.has(words[0].toLowerCase())) && words[0].toLowerCase() !== 'the') words = words.slice(1);
    if (!namesSomething(words) || isLoneModifier(words)) continue;
    // "Intentions are to ...": one plural word before a plural verb is a noun of the sentence.
    if (words.length === 1 && /s$/.test(words[0]) && PLURAL_VERBS.has(tokens[run.endIndex]?.text ?? '')) continue;
    const f1 = tokens[run.endIndex]?.text ?? '';
    const f2 = tokens[run.endIndex + 1]?.text ?? '';
    // "Regular features include ...": a plural noun that looks like a verb, followed by the real verb.
    const nounAfterAll = AMBIGUOUS_PLURALS.has(f1) && FOLLOWING_VERBS.has(f2);
    const followedByVerb =
      (f1 === f1.toLowerCase() && PREDICATES.has(f1) && !nounAfterAll) ||
      (PUBLICATION_NOUNS.has(f1) && f2 === f2.toLowerCase() && PREDICATES.has(f2));
    if (followedByVerb) return normaliseCase(joinName(words));
    // "American History Presents the history ...": the verb was capitalised into the run.
    const last = words[words.length - 1];
    if (words.length > 1 && last !== last.toUpperCase() && PREDICATES.has(last.toLowerCase()) && ARTICLES.has(f1)) {
      return normaliseCase(joinName(words.slice(0, -1)));
    }
    // A name of two or more words opening a sentence, then a present-tense verb we did not list
    // ("Pacific Standard grapples with ..."); one word before "-s" is as often an adjective and a plural noun.
    const opensSentence = run.startIndex === 0 || /^[.!?]$/.test(tokens[run.startIndex - 1]?.text ?? '');
    if (opensSentence && words === run.words && words.length > 1 && /^[a-z]{3,}[^s]s$/.test(f1) && !nounAfterAll) return normaliseCase(joinName(words));
    // "Revolver, the World's Loudest Rock Magazine, has ...": a name opening the text, then an appositive.
    const f2lower = f2.toLowerCase();
    if (appositive === null && run.startIndex === 0 && f1 === ',' && (f2lower === 'the' || f2lower === 'a' || f2lower === 'an')) {
      appositive = normaliseCase(joinName(words));
    }
  }
  return appositive;
}

/**
 * An italic or bold span that opens the description, or is followed by a verb, which is how
 * editors mark a title ("<I>Design NJ</I> offers ..."); emphasis elsewhere marks other things.
 */
export function titleFromEmphasis(rawDescription: string): string | null {
  const m = /<(i|em|b|strong)\b[^>]*>([\s\S]{1,120}?)<\/\1\s*>\s*([\p{L}']*)/iu.exec(rawDescription.slice(0, 300));
  if (!m) return null;
  const opens = rawDescription.slice(0, m.index).trim() === '';
  if (!opens && !PREDICATES.has(m[3]) && !PUBLICATION_NOUNS.has(m[3])) return null;
  const text = cleanText(m[2]).replace(/[.,;:!?]+$/, '');
  const words = text.split(' ');
  if (words.length === 0 || words.length > 8 || !/\p{Lu}/u.test(text) || !namesSomething(words)) return null;
  return normaliseCase(text);
}

/** A real scraped title, cleaned, or null when it is a fragment of the page's HTML. */
export function cleanRealTitle(rawTitle: string): { title: string; term: string | null } | null {
  if (/[<>]/.test(rawTitle) || /[<>]/.test(decodeEntities(rawTitle)) || rawTitle.includes('/>')) return null;
  const text = cleanText(stripHtml(rawTitle));
  if (text.length < 2 || !/\p{L}/u.test(text) || /^["']|["']$/.test(text)) return null;
  const term = SUBSCRIPTION_TERM.exec(text);
  return { title: term ? text.slice(0, term.index).trim() : text, term: term ? term[1].toLowerCase() : null };
}

export function displayTitle(input: TitleInput): DisplayTitle {
  const real = cleanRealTitle(input.rawTitle);
  if (real) return { title: real.title, source: 'title', term: real.term };
  const emphasised = titleFromEmphasis(input.rawDescription);
  if (emphasised) return { title: emphasised, source: 'emphasis', term: null };
  const named = titleFromDescription(cleanText(input.rawDescription));
  if (named) return { title: named, source: 'description', term: null };
  if (input.brand) return { title: input.brand, source: 'brand', term: null };
  return { title: `Magazine ${input.id}`, source: 'id', term: null };
}
