/**
 * The few questions of grammar arrangement asks, answered by the part-of-speech tagger of
 * `compromise`: is a label a noun phrase a lead can name ("For fans of fly fishing"), and can a
 * sentence take a fronted phrase before it ("For fans of X, each issue brings..."). Answers are
 * remembered (a label or sentence is asked about again and again); the tagger takes about 0.3 ms
 * a label once warm.
 */
import nlp from 'compromise/two';
import { canBeVerb, isAdjective, nounReading } from './lexicon';

const MAX_REMEMBERED = 20_000;

function remembered<T>(fn: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      if (cache.size >= MAX_REMEMBERED) cache.clear();
      v = fn(key);
      cache.set(key, v);
    }
    return v;
  };
}

function tagsOf(text: string): { text: string; tags: Set<string> }[] {
  // The document's own term objects: its json() view costs more than the tagging.
  const doc = nlp(text) as unknown as { docs: { text: string; tags: Set<string> }[][] };
  return doc.docs.flat();
}

/** Words for who a product is for, not what it is about: "for fans of women" says something else. */
const AUDIENCE = new Set(
  (
    'women woman men man kids kid children child teens teen girls girl boys boy parents parent families ' +
    'family people person readers reader adults adult seniors senior babies baby mom moms dad dads ' +
    'enthusiasts enthusiast fans fan lovers lover collectors collector subscribers subscriber christians racers ' +
    'travelers traveler travellers traveller owners owner residents resident visitors visitor students student ' +
    'teachers teacher members member professionals professional beginners beginner vegans vegan vegetarians vegetarian'
  ).split(' '),
);

/** "touring", "making": the "-ing" form of a verb the dictionary knows ("tour", "make"). */
function isGerund(word: string): boolean {
  const stem = word.toLowerCase().replace(/ing$/, '');
  if (stem === word.toLowerCase() || stem.length < 2) return false;
  return [stem, `${stem}e`, stem.replace(/(.)\1$/, '$1')].some((v) => canBeVerb(v));
}

/** Closed-class words the tagger can take for nouns ("its" a possessive noun): never a topic. */
const FUNCTION_WORDS = new Set(
  (
    'it its itself this that these those there here who whom whose which what whatever his her hers him ' +
    'their theirs them they our ours us we your yours you my mine me one ones each every some any all none'
  ).split(' '),
);

/** "-ing" forms of verbs too light to be a pastime ("for fans of having"). */
const LIGHT_GERUNDS = new Set(
  'having being doing getting making going taking using giving coming seeing keeping'.split(' '),
);

/**
 * Whether a label reads as what someone can be a fan of: tagged in the lead's own frame, it ends
 * in a noun (a gerund counts: "angling"), and is no pronoun, adjective, verb or audience word.
 */
export const isTopicLabel: (label: string) => boolean = remembered((label: string): boolean => {
  const words = label.split(/\s+/);
  if (words.length === 0 || words.length > 5) return false;
  if (AUDIENCE.has(words[words.length - 1].toLowerCase())) return false;
  if (words.some((w) => FUNCTION_WORDS.has(w.toLowerCase()))) return false;
  // Each side of a coordination must be a noun phrase itself ("Professional and Trade" is not).
  const parts = label.split(/\s+(?:and|or|&)\s+/);
  if (parts.length > 1) return parts.every((part) => isTopicLabel(part));
  // Whatever the frame makes the tagger think: the last word must be a noun in the dictionary
  // ("upcoming", "encompasses" are none), or a name ("Pokemon").
  const head = words[words.length - 1].replace(/['’]s$/i, '');
  if (nounReading(head) === null && !/^\p{Lu}/u.test(head) && !isGerund(head)) return false;
  const terms = tagsOf(`For fans of ${label}.`).slice(3);
  if (terms.length === 0) return false;
  const last = terms[terms.length - 1].tags;
  if (!(last.has('Noun') || last.has('Gerund'))) return false;
  if (!last.has('Noun') && LIGHT_GERUNDS.has(words[words.length - 1].toLowerCase())) return false;
  // A one-word tag the tagger reads as an adjective or a verb with its "-s" on its own ("upcoming",
  // "encompasses"): the frame made it look like a noun.
  if (words.length === 1) {
    const alone = tagsOf(words[0].toLowerCase())[0]?.tags;
    if (
      alone &&
      !alone.has('Noun') &&
      (alone.has('Adjective') || (alone.has('Verb') && /s$/i.test(words[0]) && !alone.has('Gerund')))
    )
      return false;
  }
  if (last.has('Pronoun') || last.has('Actor') || last.has('QuestionWord')) return false;
  return !terms.some((t) => t.tags.has('Preposition') || t.tags.has('Determiner') || t.tags.has('Adverb'));
});

/**
 * A one-word plural label the copy itself uses as a noun ("the best mutual and bond funds",
 * "battles"): the dictionary knows it as a plural noun and the tagger, reading the copy's own
 * sentence, tags that use a noun and no verb. The frame "For fans of funds." alone can mislead
 * the tagger into a verb; the copy's sentence cannot ("each issue features ..." stays a verb).
 */
export function isPluralTopicInCopy(label: string, sentence: string): boolean {
  if (/\s/.test(label)) return false;
  const lower = label.toLowerCase();
  if (AUDIENCE.has(lower) || FUNCTION_WORDS.has(lower) || !nounReading(lower)?.plural) return false;
  return pluralNounUses(sentence).has(lower);
}

/** The words of a sentence the tagger reads as plural nouns and never as verbs, lower-cased. */
const pluralNounUses = remembered((sentence: string): Set<string> => {
  const out = new Set<string>();
  for (const t of tagsOf(sentence)) {
    // Not a kind of person ('Actor': "soldiers", "vegans"): who an item is for, not what it is about.
    if (t.tags.has('Noun') && t.tags.has('Plural') && !t.tags.has('Verb') && !t.tags.has('Actor'))
      out.add(t.text.replace(/[^\p{L}'’-]/gu, '').toLowerCase());
  }
  return out;
});

/** Which words of a phrase, written in lower case, are still names (a place, a person, an organisation). */
export const namesIn = remembered((phrase: string): boolean[] => {
  const terms = tagsOf(`about ${phrase.toLowerCase()} today`).slice(1, -1);
  const named = terms.map((t) => t.tags.has('Place') || t.tags.has('Person') || t.tags.has('Organization'));
  return phrase.split(/\s+/).map((_, i) => named[i] ?? false);
});

/** A fronted phrase on a longer sentence makes one a reader loses the thread of. */
const MAX_FRONTED_WORDS = 30;

function opensWithSubject(terms: { text: string; tags: Set<string> }[]): boolean {
  if (terms.length < 3 || terms.length > MAX_FRONTED_WORDS) return false;
  const first = terms[0].tags;
  const firstWord = terms[0].text.replace(/[^\p{L}'’-]/gu, '').toLowerCase();
  const reading = nounReading(firstWord);
  const secondIsVerb = terms[1].tags.has('Verb') && !terms[1].tags.has('Gerund');
  // "Covers more than 550 suppliers...": a plural noun that is also a verb's "-s", with no verb
  // after it, is a verb with no subject.
  if (reading?.plural && canBeVerb(firstWord) && !secondIsVerb) return false;
  // "Objective is to inform...": a bare singular common noun as the subject is a headline's
  // shorthand; lowered after a lead it reads as a mistake.
  const determined = first.has('Determiner') || first.has('Pronoun') || first.has('Possessive');
  const named = first.has('ProperNoun') || first.has('Person') || first.has('Place') || first.has('Organization');
  if (reading?.singular && !reading.plural && !determined && !named && secondIsVerb) return false;
  if (first.has('Verb')) return first.has('Infinitive') || first.has('Imperative');
  if (first.has('Preposition') || first.has('Conjunction') || first.has('QuestionWord') || first.has('Adverb'))
    return false;
  // "Suitable for dry skin.", "Safe for color-treated hair.": an adjective with no noun after it opens no subject.
  if (first.has('Adjective') && !first.has('Noun') && !(terms[1].tags.has('Noun') || terms[1].tags.has('Adjective')))
    return false;
  if (!(first.has('Determiner') || first.has('Noun') || first.has('Adjective') || first.has('Possessive')))
    return false;
  const verbAt = terms.findIndex((t, i) => i > 0 && t.tags.has('Verb') && !t.tags.has('Gerund'));
  if (verbAt < 0) return false;
  // "Essential to the profession for 110 years, Architectural Record provides...": a fronted
  // phrase of its own (a comma before the verb) would stack a second one before it.
  if (terms.slice(0, verbAt).some((t) => /,$/.test(t.text) || t.tags.has('Comma'))) return false;
  // "Serves the field...", "Reviews high-end audio": a plural the tagger is unsure of, followed by
  // what follows a verb (an article, an adjective) rather than a verb, is a verb with no subject.
  const second = terms[1].tags;
  const verbLike = /s$/i.test(terms[0].text) && first.has('Plural') && !first.has('ProperNoun');
  return !(verbLike && (second.has('Determiner') || second.has('Adjective') || second.has('Possessive')));
}

const openings = new Map<string, boolean>();

/**
 * Whether "For fans of X, " can open each sentence: it starts with its subject (a determiner,
 * noun, name or personal pronoun) or is an imperative ("Get...", "Discover..."), and has a verb.
 * Not a subjectless "Covers issues of...", nor one that opens with its own fronted phrase. The
 * sentences of one item are tagged in one call (a call costs about a millisecond whatever its
 * length), each alone when the tagger splits them otherwise.
 */
export function takeFrontedLead(sentences: readonly string[]): boolean[] {
  const todo = [...new Set(sentences.filter((s) => !openings.has(s)))];
  if (todo.length > 0) {
    if (openings.size + todo.length > MAX_REMEMBERED) openings.clear();
    const docs =
      todo.length > 1 ? (nlp(todo.join(' ')) as unknown as { docs: { text: string; tags: Set<string> }[][] }).docs : [];
    if (docs.length === todo.length) todo.forEach((s, i) => openings.set(s, opensWithSubject(docs[i])));
    else for (const s of todo) openings.set(s, opensWithSubject(tagsOf(s)));
  }
  return sentences.map((s) => openings.get(s)!);
}

export function takesFrontedLead(sentence: string): boolean {
  return takeFrontedLead([sentence])[0];
}

/**
 * Whether the first word of a sentence is written in lower case after a fronted lead: a common
 * word ("each", "readers", "get"), not a name ("Glamour", "RUNNER'S").
 */
export const lowersAfterLead = remembered((whole: string): boolean => {
  const sentence = whole.split(/\s+/).slice(0, 8).join(' ');
  const first = /^([\p{L}][\p{L}'’]*)/u.exec(sentence)?.[1];
  if (!first || /^\p{Lu}{2,}/u.test(first)) return false;
  const terms = tagsOf(`${first.toLowerCase()}${sentence.slice(first.length)}`);
  const tags = terms[0]?.tags;
  return (
    tags !== undefined &&
    !tags.has('ProperNoun') &&
    !tags.has('Person') &&
    !tags.has('Place') &&
    !tags.has('Organization')
  );
});

/**
 * Whether a label can follow "interested in" without an article: plural, uncountable, a gerund or
 * a name ("interested in birds / music / fishing / Ireland"). Not a singular count noun:
 * "interested in cleanser" is not English, and inventing the plural would put a word in the
 * item's mouth.
 */
export const standsWithoutArticle = remembered((label: string): boolean => {
  // "fashion and style", "home and garden": a pair of topics reads as a field, not as two count nouns.
  if (/\s(?:and|&)\s/.test(label)) return true;
  const words = label.split(/\s+/);
  const last = words[words.length - 1];
  // "interested in United States": a country whose name takes "the".
  if (/^(?:states|kingdom|republic|islands|emirates|netherlands|philippines)$/i.test(last)) return false;
  // The dictionary first: the tagger reads "lens" as a plural.
  const reading = nounReading(last.replace(/['’]s$/i, ''));
  const lower = /^\p{Ll}/u.test(last);
  // No noun: a name ("AFVs") or a verb's gerund ("touring") is left to the tagger; anything else goes.
  if (reading === null && lower && !isGerund(last)) return false;
  // "interested in Scottish": a people's adjective reads as one, whatever else it may mean.
  if (words.length === 1 && tagsOf(last)[0]?.tags.has('Demonym')) return false;
  // "interested in organic": a lone adjective (not a gerund: "driving", "touring" name pastimes).
  if (words.length === 1 && lower && isAdjective(last) && !reading?.plural && !/ing$/.test(last)) return false;
  if (reading?.plural) return true;
  // A noun only ever plural ("surroundings", "arts"), which WordNet lists as a lemma of its own;
  // not a singular that ends in "s" ("lens", "bus", "crisis").
  if (/[^s]s$/.test(last) && !/(?:us|is|ns)$/.test(last)) return true;
  const terms = tagsOf(`They are interested in ${label} today.`).slice(4, -1);
  const tags = terms[terms.length - 1]?.tags;
  if (!tags) return false;
  // "interested in Arabian / Western": a demonym or adjective, capitalised or not, names no topic.
  if (tags.has('Adjective') || tags.has('Demonym')) return false;
  if (tags.has('Uncountable') || tags.has('Gerund') || /^\p{Lu}/u.test(last)) return true;
  // A bare singular noun: the parser (and a careful reader) wants an article before most of them,
  // and the tagger cannot tell "crochet" from "repertoire"; it can modify a noun instead.
  return false;
});

/** Whether the label ends in a singular common noun (it can then modify another: "bird fans"). */
export const isSingularNoun = remembered((label: string): boolean => {
  const reading = nounReading(label.split(/\s+/).pop()!);
  if (reading !== null && !reading.singular) return false;
  const terms = tagsOf(`For ${label} fans today.`).slice(1, -2);
  const tags = terms[terms.length - 1]?.tags;
  return (
    tags !== undefined && tags.has('Noun') && !tags.has('Plural') && !tags.has('Pronoun') && !tags.has('Adjective')
  );
});
