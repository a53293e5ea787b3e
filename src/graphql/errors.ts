/** The errors a client can act on, each with its extensions.code. */
import { GraphQLError } from 'graphql';

export function badUserInput(message: string, argumentName?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argumentName ? { argumentName } : {}) } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function serviceUnavailable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
}

/** An integer argument that must lie in [min, max]: outside it is the client's mistake, said plainly. */
export function boundedInt(value: number | null | undefined, fallback: number, min: number, max: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw badUserInput(`${name} must be an integer from ${min} to ${max} (got ${v})`, name);
  }
  return v;
}

export function boundedFloat(value: number | null | undefined, fallback: number, min: number, max: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min || v > max) {
    throw badUserInput(`${name} must be a number from ${min} to ${max} (got ${v})`, name);
  }
  return v;
}
