/** The SOURCE.md written beside every converted dataset, so derived files keep their citation and say what was synthetic. */

export const MAGAZINES_CITATION =
  'Jianmo Ni, Jiacheng Li, Julian McAuley. "Justifying recommendations using distantly-labeled reviews and fine-grained aspects". EMNLP 2019.';

export const BEAUTY_CITATION =
  'Kun Zhou et al. "S3-Rec: Self-Supervised Learning for Sequential Recommendation with Mutual Information Maximization". CIKM 2020; ' +
  'built from the Amazon review data 2014: Ruining He, Julian McAuley, WWW 2016; Julian McAuley et al., SIGIR 2015.';

export function counts(record: Record<string, unknown>): string {
  return '```json\n' + JSON.stringify(record, null, 2) + '\n```\n';
}
