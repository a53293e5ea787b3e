/**
 * Simulated shoppers: seeded random walks over the real also_buy / also_view graph, so sample
 * histories follow how real customers moved between these products, and repeat exactly.
 */
import type { InteractionKind } from '../../domain/interaction';
import type { InteractionRecord, ItemRecord } from './format';
import { randomInt, seededRandom } from '../../util/random';

export interface SimulationOptions {
  seed: number;
  users: number;
  /** The simulated period ends here (exclusive) and starts `days` before. */
  end: Date;
  days: number;
  /** Steps per user, inclusive bounds. */
  minSteps: number;
  maxSteps: number;
}

export const DEFAULT_SIMULATION: SimulationOptions = {
  seed: 20261101,
  users: 60,
  end: new Date('2026-11-01T00:00:00.000Z'),
  days: 60,
  minSteps: 8,
  maxSteps: 30,
};

// Per visited item: most visits are views; some go to the cart, about half of carts are bought;
// a few visits start from a search for one of the item's tags. Restarts model a new session.
const P_SEARCH = 0.08;
const P_CART = 0.15;
const P_PURCHASE_AFTER_CART = 0.5;
const P_RESTART = 0.12;
const P_FOLLOW_ALSO_BUY = 0.5;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export function simulatedUserId(n: number): string {
  return `sim-user-${String(n).padStart(3, '0')}`;
}

function links(item: ItemRecord, key: 'also_buy' | 'also_view', known: ReadonlyMap<string, ItemRecord>): string[] {
  const value = item.attributes[key];
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string' && known.has(id)) : [];
}

/** Interactions of `options.users` simulated users, sorted by user then time; same options, same output. */
export function simulateUsers(
  items: readonly ItemRecord[],
  options: SimulationOptions = DEFAULT_SIMULATION,
): InteractionRecord[] {
  if (items.length === 0) return [];
  const random = seededRandom(options.seed);
  const byId = new Map(items.map((i) => [i.id, i]));
  const pick = <T>(values: readonly T[]): T => values[randomInt(random, values.length)];
  const out: InteractionRecord[] = [];
  const start = options.end.getTime() - options.days * DAY;

  for (let u = 1; u <= options.users; u++) {
    const userId = simulatedUserId(u);
    const steps = options.minSteps + randomInt(random, options.maxSteps - options.minSteps + 1);
    // Sessions start on random days; within a session steps are minutes apart.
    let time = start + Math.floor((random() * (options.days - 7) * DAY) / 1000) * 1000;
    let current = pick(items);
    const events: InteractionRecord[] = [];
    const emit = (kind: InteractionKind, itemId: string | null, query: string | null) => {
      time += (1 + randomInt(random, 10)) * MINUTE;
      events.push({ userId, itemId, kind, occurredAt: new Date(time).toISOString(), query });
    };
    for (let step = 0; step < steps; step++) {
      if (random() < P_SEARCH && current.tags.length > 0) emit('SEARCH', null, pick(current.tags));
      emit('VIEW', current.id, null);
      if (random() < P_CART) {
        emit('ADD_TO_CART', current.id, null);
        if (random() < P_PURCHASE_AFTER_CART) emit('PURCHASE', current.id, null);
      }
      const neighbours =
        random() < P_FOLLOW_ALSO_BUY ? links(current, 'also_buy', byId) : links(current, 'also_view', byId);
      const fallback =
        neighbours.length > 0
          ? neighbours
          : [...links(current, 'also_buy', byId), ...links(current, 'also_view', byId)];
      if (fallback.length === 0 || random() < P_RESTART) {
        current = pick(items);
        time += Math.floor(((1 + random() * 3) * DAY) / 1000) * 1000;
      } else {
        current = byId.get(pick(fallback))!;
      }
    }
    // Sessions may run past the end of the period; such events are left out so every time is before `end`.
    out.push(...events.filter((e) => new Date(e.occurredAt).getTime() < options.end.getTime()));
  }
  return out;
}
