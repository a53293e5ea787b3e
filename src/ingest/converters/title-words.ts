/**
 * The words and tokens a display title is read from: the word lists that tell a magazine's name
 * from the sentence around it, the tokeniser, and the case rules of a name (title.ts reads them).
 */

// Verbs that follow a magazine's name when a description opens with it ("Glamour gives you ...").
export const PREDICATES = new Set(
  (
    'is are was has have features covers offers gives brings provides contains includes delivers focuses ' +
    'publishes presents celebrates explores helps serves keeps showcases reports examines combines inspires ' +
    'takes puts informs reaches connects shows tells highlights spotlights captures remains continues targets ' +
    'caters aims emphasizes emphasises speaks specializes specialises profiles reviews teaches tracks appeals ' +
    'introduces answers honors honours blends mixes guides lets makes motivates empowers entertains educates ' +
    'encourages equips goes challenges provide offer cover feature give bring deliver contain include ' +
    "magazine's publication's was launched began debuted returns knows invites takes sets stands " +
    'focusses chronicles documents investigates details depicts discusses addresses looks seeks strives ' +
    'gathers collects dedicates devotes treats explains enables allows supplies lists ranks rates tests ' +
    'uses dishes promises aligns reveals exists promotes reframes enriches grapples previews sets shares ' +
    'takes brings follows puts lets walks opens features celebrates recognizes recognises welcomes'
  ).split(/\s+/),
);

// Words that are verbs after a name but plural nouns after an adjective ("Regular features include").
export const AMBIGUOUS_PLURALS = new Set([
  'features',
  'reviews',
  'profiles',
  'covers',
  'tests',
  'lists',
  'ranks',
  'rates',
  'details',
  'documents',
  'reports',
  'guides',
  'shows',
  'includes',
]);
export const FOLLOWING_VERBS = new Set(['include', 'are', 'cover', 'range', 'were', 'offer', 'and', ',']);

// "X magazine is ..." : the lower-case noun between the name and the verb is not part of the name.
export const PUBLICATION_NOUNS = new Set([
  'magazine',
  'journal',
  'publication',
  'newsletter',
  'newspaper',
  'quarterly',
  'digest',
  'bulletin',
  'review',
]);

// Lower-case words that may sit inside a name ("Car and Driver", "Welcome to Ukraine", "Town & Country").
export const CONNECTORS = new Set([
  '+',
  'of',
  'the',
  'and',
  '&',
  'for',
  'to',
  'in',
  'on',
  'de',
  'du',
  'des',
  'la',
  'le',
  'el',
  'y',
  'a',
  'an',
  'at',
  "n'",
  'or',
]);

export const PLURAL_VERBS = new Set(['are', 'were', 'have', 'include', 'cover', 'offer', 'range']);
export const ARTICLES = new Set(['the', 'a', 'an', 'your', 'its', 'our']);

// Words that open a sentence rather than a name ("Each issue ...", "Every issue of Shooting Times");
// stripped from the front of a capitalised run.
export const OPENERS = new Set(
  (
    'also regular special plus a an this that these our your its their his her my we you it they she he ' +
    'each every any all no if with from for in on at by as of to and or but so get now here there what when where who how why ' +
    'since after before whether while although because unlike like beyond across inside within throughout'
  ).split(/\s+/),
);

// A run made only of these (and openers) describes the magazine rather than naming it
// ("Bi-monthly French magazine is ..."), so it is not taken as a title; inside a longer name
// they are kept ("Popular Mechanics", "National Geographic Kids").
const DESCRIPTORS = new Set(
  (
    'weekly monthly bi-monthly bimonthly quarterly annual biannual daily yearly semi-annual bi-weekly biweekly ' +
    'french italian german british spanish english japanese dutch swedish russian chinese canadian australian ' +
    'european international national official new latest best premier leading popular readers subscribers ' +
    'nobody must news lifestyle emphasis included purpose articles columns contributors submissions projects ' +
    'magazine journal publication newsletter newspaper issue issues edition subscription subscriptions ' +
    'published publishes written edited devoted dedicated focuses covers features provides offers includes contains ' +
    'all-new brand-new'
  ).split(/\s+/),
);

// "Fortune (1-year)": the subscription term is an offer, not part of the name.
export const SUBSCRIPTION_TERM = /\s*\((\d+[- ](?:year|month|issue)s?|[a-z ]*edition)\)\s*$/i;

export interface Token {
  text: string;
  /** Start offset in the text, to stop scanning after the opening sentences. */
  start: number;
}

// A '!' followed by a lower-case word (or "Magazine") does not end a sentence: it belongs to the name
// ("OK! delivers", "Knitting Today! features", "YES! Magazine").
const TOKEN =
  /(?:\p{Lu}\.){2,}|\b(?:Jr|Sr|St|Mr|Mrs|Dr)\.|[\p{L}\p{N}][\p{L}\p{N}'’\-&.]*[\p{L}\p{N}](?:!(?=\s+(?:\p{Ll}|Magazine\b)))?|[\p{L}\p{N}](?:!(?=\s+\p{Ll}))?|[,;:.!?()"“”]|[&+]/gu;

export function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    // Acronyms ("B.O.S.S.") and abbreviations inside a name ("Ranger Rick Jr.") keep their full stops;
    // the full stop after an abbreviation is taken as part of it, not as the end of a sentence.
    const word = m[0];
    tokens.push({ text: word, start: m.index ?? 0 });
  }
  return tokens;
}

export function isCapitalised(token: string): boolean {
  // "iD", "iCreate": a lower-case prefix before a capital is a brand's spelling, not a lower-case word.
  return (/^[\p{Lu}\p{N}]/u.test(token) || /^\p{Ll}{1,2}\p{Lu}/u.test(token)) && /\p{L}/u.test(token);
}

export function isWord(token: string): boolean {
  return /[\p{L}\p{N}]/u.test(token);
}

export function isAllCaps(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  return letters.length > 0 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
}

const capitalise = (w: string) =>
  w.replace(
    /(^|-)(\p{L})([^-]*)/gu,
    (_, dash: string, first: string, rest: string) => dash + first.toUpperCase() + rest.toLowerCase(),
  );

// Three-letter words that, in a name written wholly in capitals, are words rather than acronyms ("THE NEW YORK OBSERVER").
const SHORT_WORDS = new Set([
  'NEW',
  'OLD',
  'BIG',
  'TOP',
  'OUR',
  'ALL',
  'OUT',
  'ONE',
  'TWO',
  'DAY',
  'WAY',
  'MAN',
  'MEN',
  'AIR',
  'SEA',
  'SKI',
  'ART',
  'LAW',
  'WAR',
  'SUN',
  'FUN',
  'HOT',
]);

/**
 * ALL-CAPS words longer than three letters read as names ("REASON" -> "Reason"); acronyms (OWL, PC) stay.
 * A name written wholly in capitals ("LIGHT OF CONSCIOUSNESS") also gets lower-case connectors.
 */
export function normaliseCase(name: string): string {
  const wholeCaps = isAllCaps(name);
  let first = true;
  return name.replace(/[\p{L}'’-]+/gu, (w) => {
    const letters = w.replace(/['’-]/g, '');
    const wasFirst = first;
    first = false;
    if (wholeCaps && !wasFirst && CONNECTORS.has(w.toLowerCase())) return w.toLowerCase();
    // Acronyms keep their capitals: short ones (OWL, PC) and ones without a vowel (MSDN, WWII: a closing
    // Roman numeral aside).
    if (letters.length > 3 && isAllCaps(letters) && /[AEIOUY]/.test(letters.replace(/I+$/, ''))) return capitalise(w);
    if (wholeCaps && SHORT_WORDS.has(letters)) return capitalise(w);
    if (wholeCaps && wasFirst && w.toLowerCase() === 'the') return 'The';
    return w;
  });
}

function joinName(tokens: string[]): string {
  return tokens
    .join(' ')
    .replace(/\s+:/g, ':')
    .replace(/\s+([’']s)\b/g, '$1')
    .trim();
}

/** A display name from the words of a run: case normalised, "X: X" said once, a trailing issue date dropped. */
export function finishName(words: string[]): string {
  let name = normaliseCase(joinName(words)).replace(/\b(Magazine|Journal)['’]s$/, '$1');
  name = name.replace(
    /\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)(?:\s+\d{4})?$/,
    '',
  );
  const halves = /^(.+?):\s*(.+)$/.exec(name);
  if (halves && halves[1].toLowerCase() === halves[2].toLowerCase()) name = halves[1];
  return name;
}

export function namesSomething(words: string[]): boolean {
  return words.some((w) => {
    const lower = w.toLowerCase();
    if (!/\p{L}/u.test(w)) return false;
    // "HOW magazine's goal": a word in capitals is a name even when it reads as an opener.
    if (w.replace(/[^\p{L}]/gu, '').length >= 3 && isAllCaps(w) && !DESCRIPTORS.has(lower)) return true;
    return !OPENERS.has(lower) && !DESCRIPTORS.has(lower) && !CONNECTORS.has(lower);
  });
}

/** A lone capitalised adverb or adjective opening a sentence ("Lively ...", "Top-notch stories"), not a name. */
export function isLoneModifier(words: string[]): boolean {
  if (words.length !== 1) return false;
  const w = words[0];
  if (w === w.toUpperCase()) return false;
  return /(ly|ive|ous)$/.test(w) || /-\p{Ll}/u.test(w);
}

/** A present-tense verb we did not list ("grapples", "uses"); not "-ss" words ("class") nor possessives. */
export function looksLikeVerb(word: string): boolean {
  return /^[a-z]{2,}[^s'’]s$/.test(word);
}

export interface Run {
  words: string[];
  startIndex: number;
  endIndex: number; // exclusive
}
