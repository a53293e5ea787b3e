/**
 * The interest model's arithmetic: how much one event adds to a user's raw term weights,
 * and how weights decay with age. No I/O; the service and the offline evaluation both use it.
 *
 * A profile is stored as raw weights relative to a reference time `ref` (the newest counted
 * event): weight(term) = sum over events e of kindWeight(e) * tf(term, e) * 2^(-(ref - t_e) / h).
 * Reading it at any `asOf >= ref` multiplies every weight by the same 2^(-(asOf - ref) / h),
 * which L2 normalisation removes, so stored weights never underflow however old the data is.
 */
import type { InteractionKind } from '../domain/interaction';

export type KindWeights = Readonly<Record<InteractionKind, number>>;

/** Defaults from the product brief; SEARCH counts each known query term it names. */
export const DEFAULT_KIND_WEIGHTS: KindWeights = Object.freeze({
  VIEW: 1,
  SEARCH: 2,
  ADD_TO_CART: 3,
  PURCHASE: 5,
  // Negative feedback adds nothing: it is applied when the profile is read (feedback.ts).
  NOT_INTERESTED: 0,
});

export const DAY_MS = 86_400_000;

/** 2^(-(later - earlier) / halfLife): the factor an event loses between two instants. */
export function decayFactor(earlierMs: number, laterMs: number, halfLifeMs: number): number {
  if (!(halfLifeMs > 0)) throw new RangeError('halfLifeMs must be positive');
  return Math.pow(2, -(laterMs - earlierMs) / halfLifeMs);
}

export interface ProfileState {
  /** Raw weights relative to `refMs`. */
  weights: Map<string, number>;
  /** Time (ms) the weights are expressed at; -Infinity for an empty profile. */
  refMs: number;
}

export interface ProfileEvent {
  kind: InteractionKind;
  occurredAtMs: number;
  /** Terms this event names with their counts (an item's term counts, or a query's terms). */
  terms: ReadonlyMap<string, number>;
}

export interface ProfileOptions {
  halfLifeMs: number;
  kindWeights?: KindWeights;
}

/**
 * What one event changes in a profile stored at `refMs`: the factor every existing weight is
 * multiplied by, the new reference time, and the amount added to each of the event's terms.
 * Events older than the reference are decayed to it; newer ones move the reference forward.
 */
export function eventUpdate(
  refMs: number,
  event: ProfileEvent,
  options: ProfileOptions,
): { rescale: number; refMs: number; additions: Map<string, number> } {
  const kindWeight = (options.kindWeights ?? DEFAULT_KIND_WEIGHTS)[event.kind];
  let rescale = 1;
  let eventFactor = 1;
  let newRef = refMs;
  if (!Number.isFinite(refMs) || event.occurredAtMs >= refMs) {
    rescale = Number.isFinite(refMs) ? decayFactor(refMs, event.occurredAtMs, options.halfLifeMs) : 1;
    newRef = event.occurredAtMs;
  } else {
    eventFactor = decayFactor(event.occurredAtMs, refMs, options.halfLifeMs);
  }
  const additions = new Map<string, number>();
  for (const [term, count] of event.terms) additions.set(term, kindWeight * count * eventFactor);
  return { rescale, refMs: newRef, additions };
}

/** Applies one event to a profile in place (the in-memory twin of the SQL update). */
export function applyEvent(profile: ProfileState, event: ProfileEvent, options: ProfileOptions): void {
  const { rescale, refMs, additions } = eventUpdate(profile.refMs, event, options);
  if (rescale !== 1) for (const [term, w] of profile.weights) profile.weights.set(term, w * rescale);
  for (const [term, add] of additions) profile.weights.set(term, (profile.weights.get(term) ?? 0) + add);
  profile.refMs = refMs;
}

/** A profile built from scratch from events, ignoring those after `asOfMs`. */
export function buildProfile(
  events: Iterable<ProfileEvent>,
  options: ProfileOptions & { asOfMs?: number },
): ProfileState {
  const profile: ProfileState = { weights: new Map(), refMs: -Infinity };
  const asOf = options.asOfMs ?? Infinity;
  for (const event of events) if (event.occurredAtMs <= asOf) applyEvent(profile, event, options);
  return profile;
}

/**
 * Whether an event repeats the previous identical one (same user, item, kind and query)
 * closely enough to count once: a double click or a page reload is not twice the interest.
 */
export function isDuplicate(previousMs: number | null, currentMs: number, windowMs: number): boolean {
  return previousMs !== null && Math.abs(currentMs - previousMs) < windowMs;
}
