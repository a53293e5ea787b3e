/**
 * The few questions of grammar arrangement asks, answered by the part-of-speech tagger of
 * `compromise`: is a label a noun phrase a lead can name ("For fans of fly fishing"), and can a
 * sentence take a fronted phrase before it ("For fans of X, each issue brings..."). Answers are
 * remembered (a label or sentence is asked about again and again); the tagger takes about 0.3 ms
 * a label once warm.
 */
import nlp from 'compromise';

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
  const doc = nlp(text);
  return (doc.terms().json() as { terms: { text: string; tags: string[] }[] }[]).map((t) => ({
    text: t.terms[0].text,
    tags: new Set(t.terms[0].tags),
  }));
}

/** Words for who a product is for, not what it is about: "for fans of women" says something else. */
const AUDIENCE = new Set(
  ('women woman men man kids kid children child teens teen girls girl boys boy parents parent families ' +
    'family people person readers reader adults adult seniors senior babies baby mom moms dad dads')
    .split(' '),
);

/** "-ing" forms of verbs too light to be a pastime ("for fans of having"). */
const LIGHT_GERUNDS = new Set('having being doing getting making going taking using giving coming seeing keeping'.split(' '));

/**
 * Whether a label reads as what someone can be a fan of: tagged in the lead's own frame, it ends
 * in a noun (a gerund counts: "angling"), and is no pronoun, adjective, verb or audience word.
 */
export const isTopicLabel = remembered((label: string): boolean => {
  const words = label.split(/\s+/);
  if (words.length === 0 || words.length > 5) return false;
  if (AUDIENCE.has(words[words.length - 1].toLowerCase())) return false;
  const terms = tagsOf(`For fans of ${label}.`).slice(3);
  if (terms.length === 0) return false;
  const last = terms[terms.length - 1].tags;
  if (!(last.has('Noun') || last.has('Gerund'))) return false;
  if (!last.has('Noun') && LIGHT_GERUNDS.has(words[words.length - 1].toLowerCase())) return false;
  if (last.has('Pronoun') || last.has('Actor') || last.has('QuestionWord')) return false;
  return !terms.some((t) => t.tags.has('Preposition') || t.tags.has('Determiner') || t.tags.has('Adverb'));
});

/** Whether a word, written in lower case, is still a name (a place, a person, an organisation). */
export const isName = remembered((word: string): boolean => {
  const [t] = tagsOf(`about ${word.toLowerCase()} today`).slice(1, 2);
  return t !== undefined && (t.tags.has('Place') || t.tags.has('Person') || t.tags.has('Organization'));
});

/**
 * Whether "For fans of X, " can open this sentence: it starts with its subject (a determiner,
 * noun, name or personal pronoun) or is an imperative ("Get...", "Discover..."), and has a verb.
 * Not a subjectless "Covers issues of..." (the tagger, unsure of a capitalised first word, is
 * asked again with "It" before it), nor one that opens with its own fronted phrase.
 */
export const takesFrontedLead = remembered((sentence: string): boolean => {
  const terms = tagsOf(sentence);
  if (terms.length < 3) return false;
  const first = terms[0].tags;
  if (first.has('Verb')) return first.has('Infinitive') || first.has('Imperative');
  if (first.has('Preposition') || first.has('Conjunction') || first.has('QuestionWord') || first.has('Adverb')) return false;
  if (!(first.has('Determiner') || first.has('Noun') || first.has('Adjective') || first.has('Possessive'))) return false;
  if (!terms.slice(1).some((t) => t.tags.has('Verb') && !t.tags.has('Gerund'))) return false;
  const asVerb = tagsOf(`It ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`)[1]?.tags;
  return !(asVerb && asVerb.has('Verb') && !asVerb.has('Infinitive') && !first.has('Determiner'));
});

/**
 * Whether the first word of a sentence is written in lower case after a fronted lead: a common
 * word ("each", "readers", "get"), not a name ("Glamour", "RUNNER'S").
 */
export const lowersAfterLead = remembered((sentence: string): boolean => {
  const first = /^([\p{L}][\p{L}'’]*)/u.exec(sentence)?.[1];
  if (!first || /^\p{Lu}{2,}/u.test(first)) return false;
  const terms = tagsOf(`${first.toLowerCase()}${sentence.slice(first.length)}`);
  const tags = terms[0]?.tags;
  return tags !== undefined && !tags.has('ProperNoun') && !tags.has('Person') && !tags.has('Place') && !tags.has('Organization');
});
