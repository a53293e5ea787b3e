/** What the index occupies, for the benchmark: postings, and bytes of the posting-proportional and all typed arrays. */
import type { Scratch } from '../query/scratch';
import type { Segments } from './segments';

export interface IndexStats {
  items: number;
  postings: number;
  postingBytes: number;
  totalBytes: number;
}

export function indexStats(segments: Segments, s: Scratch, baseRank: Int32Array): IndexStats {
  const { base, inv, baseDead, vocab } = segments;
  const postingArrays = [base.termIds, base.tfs, inv.docs, inv.weights];
  const other = [
    base.offsets,
    base.norms,
    inv.starts,
    inv.maxWeight,
    inv.maxTf,
    baseDead,
    baseRank,
    vocab.idf,
    vocab.liveDf,
  ];
  const { from, to } = s;
  const scratch = [
    s.skip,
    s.member,
    s.done,
    from.docs,
    from.acc,
    from.inverseNorm,
    to.docs,
    to.acc,
    to.inverseNorm,
    ...s.levels,
  ];
  const bytes = (arrays: ArrayBufferView[]) => arrays.reduce((sum, a) => sum + a.byteLength, 0);
  // Bitsets of common terms count with the postings they mirror.
  const postingBytes = bytes(postingArrays) + inv.bitsetBytes;
  const totalBytes = postingBytes + bytes(other) + bytes(scratch);
  return { items: segments.live, postings: base.postings, postingBytes, totalBytes };
}
