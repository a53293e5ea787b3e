/** Text metrics of the evaluation: BLEU-4, ROUGE-L, distinct-n and the longest copied run of words. */

function ngrams(words: string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const g = words.slice(i, i + n).join(' ');
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Corpus BLEU-4 (Papineni et al. 2002): clipped n-gram precisions 1..4, geometric mean, brevity penalty. */
export function corpusBleu(hypotheses: string[][], references: string[][]): number {
  const match = [0, 0, 0, 0];
  const total = [0, 0, 0, 0];
  let hypLen = 0;
  let refLen = 0;
  hypotheses.forEach((h, i) => {
    const r = references[i];
    hypLen += h.length;
    refLen += r.length;
    for (let n = 1; n <= 4; n++) {
      const hc = ngrams(h, n);
      const rc = ngrams(r, n);
      for (const [g, c] of hc) match[n - 1] += Math.min(c, rc.get(g) ?? 0);
      total[n - 1] += Math.max(0, h.length - n + 1);
    }
  });
  if (match.some((m) => m === 0)) return 0;
  const logP = match.reduce((s, m, i) => s + Math.log(m / total[i]), 0) / 4;
  const bp = hypLen > refLen ? 1 : Math.exp(1 - refLen / Math.max(1, hypLen));
  return bp * Math.exp(logP);
}

function lcs(a: string[], b: string[]): number {
  const prev = new Int32Array(b.length + 1);
  const cur = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    prev.set(cur);
  }
  return prev[b.length];
}

/** ROUGE-L F1 (Lin 2004) of one hypothesis against one reference. */
export function rougeL(h: string[], r: string[]): number {
  if (h.length === 0 || r.length === 0) return 0;
  const l = lcs(h, r);
  if (l === 0) return 0;
  const p = l / h.length;
  const rec = l / r.length;
  return (2 * p * rec) / (p + rec);
}

/** Distinct-n (Li et al. 2016): distinct n-grams over all n-grams of all texts. */
export function distinct(texts: string[][], n: number): number {
  const all = new Set<string>();
  let count = 0;
  for (const t of texts) {
    for (let i = 0; i + n <= t.length; i++) {
      all.add(t.slice(i, i + n).join(' '));
      count++;
    }
  }
  return count === 0 ? 0 : all.size / count;
}

/** Longest run of consecutive words a text shares with any of the corpus texts. */
export function longestCopiedRun(text: string[], corpus: string[][]): number {
  let best = 0;
  const prev = new Int32Array(text.length + 1);
  const cur = new Int32Array(text.length + 1);
  for (const doc of corpus) {
    prev.fill(0);
    for (let i = 1; i <= doc.length; i++) {
      for (let j = 1; j <= text.length; j++) {
        cur[j] = doc[i - 1] === text[j - 1] ? prev[j - 1] + 1 : 0;
        if (cur[j] > best) best = cur[j];
      }
      prev.set(cur);
    }
  }
  return best;
}
