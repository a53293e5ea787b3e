/**
 * Derives a magazine's display title when the scraped `title` is broken HTML: from a real
 * title if there is one, else from the name that opens (or early names) the description,
 * else from the publisher.
 */
import { cleanText, decodeEntities, stripHtml } from './text';
import {
  PREDICATES,
  AMBIGUOUS_PLURALS,
  FOLLOWING_VERBS,
  PUBLICATION_NOUNS,
  CONNECTORS,
  PLURAL_VERBS,
  ARTICLES,
  OPENERS,
  SUBSCRIPTION_TERM,
  type Token,
  tokenise,
  isCapitalised,
  isWord,
  isAllCaps,
  normaliseCase,
  finishName,
  namesSomething,
  isLoneModifier,
  looksLikeVerb,
  type Run,
} from './title-words';

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
      while (
        gap < 2 &&
        end + gap < tokens.length &&
        (CONNECTORS.has(tokens[end + gap].text.toLowerCase()) || tokens[end + gap].text === ':')
      )
        gap++;
      const next = tokens[end + gap]?.text;
      // "PlayStation: the Official Magazine: Whether it's ...": after a colon a sentence may begin.
      const sentenceAfterColon =
        tokens[end + gap - 1]?.text === ':' && next !== undefined && OPENERS.has(next.toLowerCase());
      if (gap > 0 && next !== undefined && isCapitalised(next) && !sentenceAfterColon) {
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

// Adverbs that stand between a name and its verb ("Popular Mechanics directly aligns"); not "-ly" adjectives.
const NOT_ADVERBS = new Set([
  'only',
  'family',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'yearly',
  'early',
  'holy',
  'italy',
  'july',
  'friendly',
  'lovely',
  'lively',
  'likely',
]);

/** The index after asides that may follow a name: "(formerly Malt Advocate)", "(ages 6-10)", an adverb. */
function skipAsides(tokens: Token[], index: number): number {
  let i = index;
  for (;;) {
    if (tokens[i]?.text === '(') {
      let j = i + 1;
      while (j < tokens.length && j < i + 12 && tokens[j].text !== ')' && tokens[j].text !== '(') j++;
      if (tokens[j]?.text !== ')') return i;
      i = j + 1;
      continue;
    }
    const t = tokens[i]?.text ?? '';
    if (/^[a-z]{3,}ly$/.test(t) && !NOT_ADVERBS.has(t)) {
      i++;
      continue;
    }
    return i;
  }
}

// Lower-case publication nouns that, after a capitalised name, mark it as the magazine's ("Good Housekeeping magazine, ...").
const MARKING_NOUNS = new Set(['magazine', 'journal', 'newsletter', 'newspaper']);
// "Creative Knitting's primary goal is": what a magazine's possessive is followed by.
const OWN_NOUNS = new Set([
  'goal',
  'goals',
  'mission',
  'aim',
  'purpose',
  'focus',
  'audience',
  'readers',
  'readership',
  'editors',
  'editorial',
  'content',
  'coverage',
  'writers',
  'staff',
  'team',
  'pages',
  'philosophy',
  'issue',
]);
const CAPITAL_PUBLICATION = /^(?:Magazine|Journal|Newsletter)(?:['’]s)?$/;

function insideQuotes(tokens: Token[], index: number): boolean {
  let quotes = 0;
  for (let i = 0; i < index; i++) if (tokens[i].text === '"') quotes++;
  return quotes % 2 === 1;
}

/** The name a description's opening sentences give the magazine, or null when none is clear. */
export function titleFromDescription(description: string, scanChars = 400): string | null {
  if (/DESCRIPTION NOT AVAILABLE/i.test(description)) return null;
  const tokens = tokenise(description).filter((t) => t.start < scanChars);
  const text = (i: number) => tokens[i]?.text ?? '';
  const isPredicate = (t: string) => t === t.toLowerCase() && PREDICATES.has(t);
  // Weaker readings, used only when no sentence names the magazine outright: by rank, then text order.
  const weak: (string | null)[] = [null, null, null];
  const offer = (rank: number, words: string[]) => {
    if (weak[rank] === null) weak[rank] = finishName(words);
  };
  for (const run of capitalisedRuns(tokens)) {
    const before = text(run.startIndex - 1);
    // A quoted name is a column or feature inside the magazine, not the magazine. Straight quotes
    // open and close alike: after an even number of them the run is outside any quotation.
    if (before === '“' || (before === '"' && insideQuotes(tokens, run.startIndex))) continue;
    // "across the nation, the South sets ...": after a lower-case article the run is a noun in a sentence.
    if (before === 'the' || before === 'a' || before === 'an') continue;
    // "Described by The Library Journal as ...", "published by the Society for ...": someone else.
    if (before === 'by') continue;
    let words = run.words;
    // "Award-winning Jack and Jill": a hyphenated modifier is not part of the name.
    if (words.length > 1 && /^\p{Lu}\p{Ll}+-\p{Ll}/u.test(words[0])) words = words.slice(1);
    // "Subscribe to Arizona Wildlife Views": the imperative is not part of the name.
    const subscribe = words.length > 2 && words[0] === 'Subscribe' && words[1] === 'to';
    if (subscribe) words = words.slice(2);
    // "Every issue of Shooting Times" is found as its own run; a leading opener is not part of a name.
    while (
      words.length > 1 &&
      (OPENERS.has(words[0].toLowerCase()) || CONNECTORS.has(words[0].toLowerCase())) &&
      words[0].toLowerCase() !== 'the'
    )
      words = words.slice(1);
    if (!namesSomething(words) || isLoneModifier(words)) continue;
    const opensSentence =
      run.startIndex === 0 || /^[.!?]$/.test(before) || (before === '"' && /^[.!?]$/.test(text(run.startIndex - 2)));
    const last = words[words.length - 1];
    const after = skipAsides(tokens, run.endIndex);
    const f1 = text(after);
    const f2 = text(after + 1);
    // "Intentions are to ...": one plural word before a plural verb is a noun of the sentence.
    if (words.length === 1 && /s$/.test(words[0]) && PLURAL_VERBS.has(f1)) continue;
    // "Regular features include ...": a plural noun that looks like a verb, followed by the real verb.
    const nounAfterAll = AMBIGUOUS_PLURALS.has(f1) && FOLLOWING_VERBS.has(f2);
    if (isPredicate(f1) && !nounAfterAll) return finishName(words);
    // "X magazine is ...", "FamilyFun magazine dishes up ...", "Good Housekeeping magazine, together with ...":
    // the lower-case noun is not part of the name, and after a name of two words or more it marks one.
    if (PUBLICATION_NOUNS.has(f1)) {
      const f2IsVerb = f2 === f2.toLowerCase() && (PREDICATES.has(f2) || looksLikeVerb(f2));
      const possessor = /['’]s$/.test(words[words.length - 1]);
      if (!possessor && (f2IsVerb || (MARKING_NOUNS.has(f1) && words.length > 1))) return finishName(words);
    }
    // "Martha Stewart Living lifestyle magazine for women is ...": one lower-case word between.
    if (
      words.length > 1 &&
      !/['’]s$/.test(last) &&
      isWord(f1) &&
      f1 === f1.toLowerCase() &&
      !CONNECTORS.has(f1) &&
      MARKING_NOUNS.has(f2)
    )
      return finishName(words);
    // "HOW magazine's goal is ...".
    if (f1 === "magazine's" || f1 === 'magazine’s') return finishName(words);
    // "Each issue of Clubhouse Jr.", "a subscription to Asimov's Science Fiction", "the pages of Southwest Art".
    const lead = `${text(run.startIndex - 2).toLowerCase()} ${before}`;
    if (subscribe || (words === run.words && /^(?:issues? of|subscription to|subscribe to|pages of)$/.test(lead)))
      return finishName(words);
    // "American History Presents the history ...": the verb was capitalised into the run.
    if (words.length > 1 && last !== last.toUpperCase() && PREDICATES.has(last.toLowerCase()) && ARTICLES.has(f1)) {
      return finishName(words.slice(0, -1));
    }
    // A clause opens after a comma too ("For forty years, Living Blues, America's first blues magazine, has ...").
    const opensClause = opensSentence || text(run.startIndex - 1) === ',';
    // A name of two or more words opening a sentence or clause, then a present-tense verb we did not list
    // ("Pacific Standard grapples with ...", "As it has for 25 years, Cleveland Magazine discovers ..."); one word
    // before "-s" is as often an adjective and a plural noun, unless it is written in capitals ("TIME reveals ...").
    // ("Us Weekly's readers are ...": after a possessive the "-s" word is the noun it owns.)
    if (
      opensClause &&
      !/['’]s$/.test(last) &&
      ((words === run.words && words.length > 1) || isAllCaps(words.join('')))
    ) {
      // After a comma the run may close a list ("Gold List, Reader's Choice and Hot List issues."): a verb goes on.
      const goesOn = opensSentence || (isWord(f2) && f2 === f2.toLowerCase());
      if (looksLikeVerb(f1) && !nounAfterAll && goesOn) return finishName(words);
    }
    if (opensSentence) {
      // "Creative Knitting's primary goal is ...", "Predator Xtreme's target audience ...".
      const possessive = /^(.+)['’]s$/.exec(last);
      if (possessive && [f1, f2, text(after + 2)].some((w) => OWN_NOUNS.has(w))) {
        return finishName([...words.slice(0, -1), possessive[1]]);
      }
      // The scrape often lost the apostrophe: "Under the Radar s September/October issue features ...".
      if (f1 === 's' && [f2, text(after + 2), text(after + 3)].some((w) => OWN_NOUNS.has(w))) return finishName(words);
    }
    if (opensClause) {
      // "Cycle World, America's largest motorcycle media brand, is ...", "CAR, from the UK, serves ...":
      // an appositive between two commas, then the verb.
      const commaAt = f1 === ',' ? after : MARKING_NOUNS.has(f1) && f2 === ',' ? after + 1 : -1;
      if (commaAt >= 0) {
        for (let j = commaAt + 1; j < tokens.length && j < commaAt + 25; j++) {
          const t = text(j);
          if (/^[.!?;]$/.test(t)) break;
          if (t !== ',') continue;
          const verb = text(skipAsides(tokens, j + 1));
          if (isPredicate(verb) || (looksLikeVerb(verb) && words.length > 1)) return finishName(words);
          break;
        }
      }
    }
    // "Alaska: the magazine about ...", "THE AUROREAN: upbeat ...", "PlayStation: the Official Magazine: ...".
    // "Premier Guitar January 2018: Our cover story ...": the date is dropped.
    const colonAt = f1 === ':' ? after : /^\d{4}$/.test(f1) && f2 === ':' ? after + 1 : -1;
    if (
      run.startIndex === 0 &&
      colonAt >= 0 &&
      (words.length > 1 || text(colonAt + 1) === text(colonAt + 1).toLowerCase())
    )
      return finishName(words);
    // "PC GAMER the #1 PC games magazine", "The nation's #1 motocross magazine. MOTOCROSS ACTION written ...":
    // a name in capitals opening a sentence, the sentence going on in lower case.
    if (
      opensSentence &&
      isAllCaps(words.join('')) &&
      words.join('').replace(/[^\p{L}]/gu, '').length >= 3 &&
      /\p{Ll}/u.test(f1) &&
      f1 === f1.toLowerCase()
    ) {
      return finishName(words);
    }
    // "Revolver, the World's Loudest Rock Magazine, has ...": a name opening a sentence, then an appositive.
    const f2lower = f2.toLowerCase();
    if (opensSentence && f1 === ',' && (f2lower === 'the' || f2lower === 'a' || f2lower === 'an')) offer(0, words);
    // "At Condé Nast Traveler, we inspire ...": the publisher's own voice names the magazine.
    if (run.words[0] === 'At' && opensSentence && f1 === ',' && (f2lower === 'we' || f2lower === 'our'))
      offer(1, words);
    // "With SPA Magazine, you'll discover ...": a name that calls itself a magazine.
    // Not a slogan opening with a possessive ("America's Most Popular Magazine").
    if (words.length > 1 && CAPITAL_PUBLICATION.test(last) && !/(?:['’]s|s['’])$/.test(words[0])) offer(2, words);
  }
  // Amazon's template "Who Reads House Beautiful? The House Beautiful reader is ..." names it, often further on.
  const whoReads = /\bWho Reads ([^?.!]{2,60})\?/.exec(description);
  if (whoReads) {
    const words = capitalisedRuns(tokenise(whoReads[1]))[0]?.words;
    if (words && namesSomething(words)) return finishName(words);
  }
  return weak.find((w) => w !== null) ?? null;
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
  // Amazon's heading "<strong>Who Reads <em>Playboy</em>?</strong>" names the magazine after "Who Reads".
  const text = cleanText(m[2])
    .replace(/[.,;:!?]+$/, '')
    .replace(/^Who Reads\s+/, '');
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
