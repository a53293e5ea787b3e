/**
 * The one place domain errors become GraphQL errors a client can act on: each kind of error
 * has its extensions.code (and InvalidInput its argumentName), and Unauthenticated its HTTP
 * status. server.ts's formatError calls it for every error a resolver threw; the context
 * function for the authenticator's.
 */
import { GraphQLError } from 'graphql';
import { DomainError, Forbidden, InvalidInput, NotFound, Unauthenticated, Unavailable } from '../domain/errors';

const CODES = new Map<abstract new (...args: never[]) => DomainError, string>([
  [InvalidInput, 'BAD_USER_INPUT'],
  [NotFound, 'NOT_FOUND'],
  [Forbidden, 'FORBIDDEN'],
  [Unauthenticated, 'UNAUTHENTICATED'],
  [Unavailable, 'SERVICE_UNAVAILABLE'],
]);

/** The extensions a domain error answers with. */
export function extensionsOf(error: DomainError): Record<string, unknown> {
  const code = [...CODES].find(([kind]) => error instanceof kind)?.[1] ?? 'INTERNAL_SERVER_ERROR';
  return {
    code,
    ...(error instanceof InvalidInput && error.argument ? { argumentName: error.argument } : {}),
    ...(error instanceof Unauthenticated ? { http: { status: 401 } } : {}),
  };
}

/** A domain error as a GraphQLError (thrown where Apollo takes GraphQLErrors as they are: the context function). */
export function toGraphQLError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, { extensions: extensionsOf(error), originalError: error });
}
