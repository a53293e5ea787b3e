/**
 * The bounds of every numeric argument a client can send, in one table. schema.graphql states
 * the same defaults (a test holds the two together); resolvers read a value through bounded().
 */
import { InvalidInput } from './errors';

export interface ArgumentBounds {
  /** What an omitted or null argument means (schema.graphql's default). */
  default: number;
  min: number;
  max: number;
  integer: boolean;
}

const page = (fallback: number): ArgumentBounds => ({ default: fallback, min: 1, max: 100, integer: true });

/** By "Type.field.argument", as in schema.graphql. */
export const ARGUMENT_BOUNDS = {
  'Query.items.first': page(20),
  'User.interests.first': page(20),
  'User.recommendations.first': page(10),
  'User.recommendations.diversity': { default: 0, min: 0, max: 1, integer: false },
  'Item.similarItems.first': page(10),
  'Query.trending.first': page(10),
  /** The word budget of a personalised text. */
  'Item.personalisedDescription.maxWords': { default: 60, min: 15, max: 200, integer: true },
} as const satisfies Record<string, ArgumentBounds>;

export type BoundedArgument = keyof typeof ARGUMENT_BOUNDS;

/** The argument's value, its default when omitted; outside its bounds it is the client's mistake, said plainly. */
export function bounded(name: BoundedArgument, value: number | null | undefined): number {
  const bounds: ArgumentBounds = ARGUMENT_BOUNDS[name];
  const argument = name.slice(name.lastIndexOf('.') + 1);
  const v = value ?? bounds.default;
  const ok = bounds.integer ? Number.isInteger(v) : Number.isFinite(v);
  if (!ok || v < bounds.min || v > bounds.max) {
    const what = bounds.integer ? 'an integer' : 'a number';
    throw new InvalidInput(`${argument} must be ${what} from ${bounds.min} to ${bounds.max} (got ${v})`, argument);
  }
  return v;
}
