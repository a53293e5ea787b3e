/**
 * Preparing an item for arrangement: everything about it that does not depend on the reader
 * (its sentences, their shorter forms and what each names), computed once per content hash.
 */
import { variants, Variant } from './clauses';
import { composedSentences, ComposedSentence } from './compose';
import { contentHash, ItemFacts } from './facts';
import { contentSet } from './features';
import { takeFrontedLead } from './grammar';
import { segment, Sentence } from './segment';
import { words } from '../personalisation/tokenise';

/** Everything about an item that does not depend on the reader: computed once per content hash. */
export interface Prepared {
  item: ItemFacts;
  hash: string;
  sentences: Sentence[];
  /** Per sentence, its forms longest first ([] for a sentence arranged copy does not use). */
  forms: Variant[][];
  /** Per sentence and form, the folded words of its own text (focus terms are matched on them). */
  folds: string[][][];
  content: Set<string>[];
  /** Per sentence: it opens with its subject (or is an imperative) and has a verb, i.e. is no fragment. */
  complete: boolean[];
  titleWords: string[];
  /** Folded words the copy writes as names: the title's, the brand's, and words capitalised mid-sentence. */
  names: Set<string>;
  composed: ComposedSentence[];
}

/** Which sentences open with their subject; one that needs the sentence before never opens, so is not asked about. */
function openings(sentences: Sentence[]): boolean[] {
  const asked = sentences.filter((s) => s.usable && !s.anaphoric);
  const verdicts = takeFrontedLead(asked.map((a) => a.text));
  const answers = new Map(asked.map((s, i) => [s.index, verdicts[i]]));
  return sentences.map((s) => answers.get(s.index) ?? false);
}

export function prepare(item: ItemFacts): Prepared {
  const sentences = segment(item.description);
  const forms = sentences.map((s) => (s.usable ? variants(s.text) : []));
  return {
    item,
    hash: contentHash(item),
    sentences,
    forms,
    folds: forms.map((fs) =>
      fs.map((v) =>
        words(
          v.pieces
            .filter((p) => p.own)
            .map((p) => p.text)
            .join(' '),
        ),
      ),
    ),
    content: sentences.map((s) => contentSet(s.text)),
    complete: openings(sentences),
    titleWords: words(item.title),
    names: new Set([
      ...words(item.title),
      ...words(item.brand ?? ''),
      ...sentences.flatMap((s) =>
        s.text
          .split(/\s+/)
          .slice(1)
          .filter((w) => /^\p{Lu}/u.test(w))
          .flatMap((w) => words(w)),
      ),
    ]),
    composed: composedSentences(item),
  };
}
