/**
 * Lead forms mined from the shop's own copy: the people its descriptions say items are for
 * ("for readers", "for woodworkers", "for enthusiasts") that the copy also writes as people
 * ("readers who..."), as forms "For <audience> interested in", kept when several items use
 * them. The shape is fixed and grammatical with any noun-phrase label; the audience word is the
 * shop's own. Demographic words are left out: "For women interested in fishing" assumes too much.
 */
import type { LeadForm } from '../lead';
import type { Sentence } from '../segment';

/** An audience must be named in the copy of at least this many items (one item's quirk is no form). */
const MIN_ITEMS = 2;
const MAX_FORMS = 6;

export const FOR_AUDIENCE = /\b(?:for|to) (?:the |all |our |its |serious |active |avid )?([a-z]{4,}s)\b(?! of)/g;
export const AUDIENCE_WHO = /\b([a-z]{4,}s) who\b/g;

const DEMOGRAPHIC = new Set(
  'kids girls boys guys women men teens teenagers children babies infants parents moms dads seniors adults families people others'.split(
    ' ',
  ),
);
/** Plural nouns that are not people, though "in recent years who..." puts "who" after them. */
const NOT_PEOPLE = new Set(
  'years decades months weeks days hours times issues pages articles things ways ideas others'.split(' '),
);

/** The lead forms the copy of these items uses, most used first. */
export function mineLeadForms(items: readonly (readonly Sentence[])[]): LeadForm[] {
  const forUses = new Map<string, number>();
  const people = new Set<string>();
  for (const sentences of items) {
    const text = sentences
      .map((s) => s.text)
      .join(' ')
      .toLowerCase();
    for (const m of new Set([...text.matchAll(FOR_AUDIENCE)].map((x) => x[1])))
      forUses.set(m, (forUses.get(m) ?? 0) + 1);
    for (const m of text.matchAll(AUDIENCE_WHO)) people.add(m[1]);
  }
  return [...forUses.entries()]
    .filter(([word, n]) => n >= MIN_ITEMS && people.has(word) && !DEMOGRAPHIC.has(word) && !NOT_PEOPLE.has(word))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_FORMS)
    .map(([word, n]) => ({
      words: `For ${word} interested in`,
      kind: 'fronted',
      origin: 'mined',
      uses: n,
      audience: word,
    }));
}
