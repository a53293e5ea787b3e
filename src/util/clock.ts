/**
 * Time as an input. Whatever reads "now" for a rule (the time an event is stamped with, the
 * future-event check, cache ages) reads it from a Clock passed in, never from Date.now(), so a
 * test can pin time or move it, and a result never depends on the day a test runs.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The wall clock moved by `offsetMs`: what the process would see that much later (CI runs the
 * whole suite a year ahead with it, see CLOCK_OFFSET_DAYS in config.ts).
 */
export function shiftedClock(offsetMs: number, base: Clock = systemClock): Clock {
  if (!Number.isFinite(offsetMs)) throw new RangeError('offsetMs must be finite');
  return offsetMs === 0 ? base : { now: () => base.now() + offsetMs };
}

/** A clock that stands still at `ms`, for pure unit tests. */
export function fixedClock(ms: number): Clock {
  return { now: () => ms };
}
