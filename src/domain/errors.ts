/**
 * What can go wrong that a caller can act on, in the domain's words. Services and the rules
 * below them throw these; the GraphQL layer maps them to `extensions.code` in one place
 * (graphql/errors.ts), so nothing below it knows about GraphQL.
 */

export abstract class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An argument the caller sent is not acceptable (`argument` names it, as the schema does). */
export class InvalidInput extends DomainError {
  constructor(
    message: string,
    readonly argument?: string,
  ) {
    super(message);
  }
}

/** The thing asked for does not exist. */
export class NotFound extends DomainError {}

/** The caller may not do this. */
export class Forbidden extends DomainError {}

/** The caller could not be identified from what they presented. */
export class Unauthenticated extends DomainError {}

/** A dependency (the database, a model) is not there now; the same request may succeed later. */
export class Unavailable extends DomainError {}
