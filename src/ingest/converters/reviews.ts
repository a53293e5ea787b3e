/** Streams Amazon 2018 review lines (reviewerID, asin, unixReviewTime) into PURCHASE interactions on the converted catalogue. */
import type { InteractionRecord } from './format';
import { Tally } from './format';
import { readJsonLines } from './jsonl';

/** One review line as an interaction, or a reason; `keptId` maps every catalogue asin to the id it was written under. */
export function reviewToInteraction(
  raw: unknown,
  keptId: ReadonlyMap<string, string>,
): { ok: true; value: InteractionRecord } | { ok: false; reason: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, reason: 'line is not a JSON object' };
  const r = raw as Record<string, unknown>;
  const userId = typeof r.reviewerID === 'string' ? r.reviewerID.trim() : '';
  if (userId === '') return { ok: false, reason: 'missing reviewerID' };
  const asin = typeof r.asin === 'string' ? r.asin.trim() : '';
  if (asin === '') return { ok: false, reason: 'missing asin' };
  const itemId = keptId.get(asin);
  if (itemId === undefined) return { ok: false, reason: 'asin not in the converted catalogue' };
  const seconds =
    typeof r.unixReviewTime === 'number'
      ? r.unixReviewTime
      : typeof r.unixReviewTime === 'string'
        ? Number(r.unixReviewTime)
        : NaN;
  // A review is the trace of a purchase; its time is the best time of the purchase we have.
  const when = new Date(seconds * 1000);
  if (!Number.isFinite(seconds) || seconds <= 0 || Number.isNaN(when.getTime()))
    return { ok: false, reason: 'missing or invalid unixReviewTime' };
  return { ok: true, value: { userId, itemId, kind: 'PURCHASE', occurredAt: when.toISOString(), query: null } };
}

export async function convertReviewsFile(
  path: string,
  keptId: ReadonlyMap<string, string>,
  write: (interaction: InteractionRecord) => Promise<void>,
): Promise<Tally> {
  const tally = new Tally();
  for await (const line of readJsonLines(path)) {
    tally.read++;
    const converted = line.ok ? reviewToInteraction(line.value, keptId) : line;
    if (!converted.ok) {
      tally.drop(converted.reason);
      continue;
    }
    await write(converted.value);
    tally.written++;
  }
  return tally;
}
