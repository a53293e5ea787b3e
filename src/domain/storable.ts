/**
 * What PostgreSQL can store, checked before a value reaches it, so that both ways in (the
 * GraphQL API and the bulk importer) refuse the same values with the same reasons instead of
 * failing a statement (or a whole import batch) on the way.
 */

/**
 * Why a string cannot be stored as text: Postgres text cannot hold a NUL character, and an
 * unpaired UTF-16 surrogate is not Unicode at all (jsonb refuses the whole batch; a text
 * parameter would silently store U+FFFD instead).
 */
export function stringProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (!s.isWellFormed()) return 'is not well-formed Unicode (an unpaired UTF-16 surrogate)';
  return undefined;
}

/**
 * The earliest instant a timestamptz holds (4714-11-24 00:00 UTC BC, Julian day 0); an earlier
 * one fails its statement with "timestamp out of range". Its latest (294276 AD) is beyond any
 * JavaScript date.
 */
export const EARLIEST_TIMESTAMPTZ_MS = Date.UTC(-4713, 10, 24);

/** How far ahead of this clock an event's time may be (clocks of shop servers drift). */
export const FUTURE_SKEW_MS = 5 * 60_000;

/** Why a time cannot be stored: not a time, or before Postgres's range. */
export function storableTimeProblem(ms: number): string | undefined {
  if (Number.isNaN(ms)) return 'not a valid time';
  if (ms < EARLIEST_TIMESTAMPTZ_MS) return 'before 4714-11-24 BC, the earliest time PostgreSQL stores';
  return undefined;
}

/** Why an event time cannot be logged at `nowMs`: not storable, or in the future. */
export function eventTimeProblem(ms: number, nowMs: number): string | undefined {
  const problem = storableTimeProblem(ms);
  if (problem) return problem;
  if (ms > nowMs + FUTURE_SKEW_MS)
    return `in the future (more than ${FUTURE_SKEW_MS / 60_000} minutes ahead of this clock)`;
  return undefined;
}
