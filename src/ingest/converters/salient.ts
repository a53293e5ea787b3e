/** Picks the words that set one description apart from the rest of the catalogue (TF-IDF), as tags. */
import { contentWords } from '../../personalisation/tokenise';

// Words that describe any magazine's copy, not its subject; TF-IDF alone keeps some of them
// because sellers repeat them within one description.
const GENERIC = new Set([
  'magazine',
  'subscription',
  'publication',
  'reader',
  'article',
  'feature',
  'page',
  'month',
  'year',
  'latest',
  'best',
  'great',
  'top',
  'including',
  'include',
  'provide',
  'offer',
  'cover',
  'well',
  'like',
  'way',
  'make',
  'need',
  'find',
  'world',
  'information',
  'news',
  'today',
  'help',
  'help',
  'guide',
]);

/** Document frequencies over the catalogue's descriptions (each description counts a word once). */
export class DescriptionCorpus {
  private readonly df = new Map<string, number>();
  private documents = 0;

  add(description: string | null): void {
    if (!description) return;
    this.documents++;
    for (const w of new Set(contentWords(description))) this.df.set(w, (this.df.get(w) ?? 0) + 1);
  }

  /**
   * The `k` words of highest tf * ln(N / df). Words found in one description only are left out:
   * in this catalogue they are mostly typos and run-together words ("photoso"), not subjects.
   * Adverbs (-ly) and generic copy words are left out too, to keep the tags noun-like.
   */
  salientWords(description: string | null, k: number): string[] {
    if (!description || this.documents === 0) return [];
    const tf = new Map<string, number>();
    for (const w of contentWords(description)) {
      if (w.length < 3 || GENERIC.has(w) || /ly$/.test(w)) continue;
      tf.set(w, (tf.get(w) ?? 0) + 1);
    }
    const scored: [string, number][] = [];
    for (const [w, n] of tf) {
      const df = this.df.get(w) ?? 0;
      if (df < 2) continue;
      scored.push([w, n * Math.log(this.documents / df)]);
    }
    scored.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return scored.slice(0, k).map(([w]) => w);
  }
}
