/**
 * Limits on what one request may ask: document shape (graphql-armor: depth, aliases, tokens,
 * directives, cost, no field suggestions) and how often one client may write (a token bucket
 * per client and process for mutations).
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';
import type { NextFunction, Request, Response } from 'express';
import type { Context } from '../context';

/**
 * Tuned on the README's queries (the deepest, recommendations -> item -> features, is depth 5;
 * a gateway's _entities fetch is shallower) with room to spare, and far below what abuse needs.
 */
export const ARMOR_LIMITS = {
  maxDepth: 8,
  maxAliases: 15,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 5_000,
} as const;

export function armor() {
  return new ApolloArmor({
    maxDepth: { n: ARMOR_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: ARMOR_LIMITS.maxAliases },
    maxTokens: { n: ARMOR_LIMITS.maxTokens },
    maxDirectives: { n: ARMOR_LIMITS.maxDirectives },
    costLimit: { maxCost: ARMOR_LIMITS.maxCost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: true },
  }).protect();
}

/** Token bucket: `perMinute` tokens, refilled continuously; one token per mutation. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): boolean {
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: t };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((t - bucket.at) / 60_000) * this.perMinute);
    bucket.at = t;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.forgetFull(t);
    return allowed;
  }

  private forgetFull(t: number): void {
    for (const [key, b] of this.buckets)
      if (b.tokens + ((t - b.at) / 60_000) * this.perMinute >= this.perMinute) this.buckets.delete(key);
  }
}

export function mutationRateLimit(limiter: RateLimiter): ApolloServerPlugin<Context> {
  return {
    // Apollo's hooks return promises; these have nothing to wait for.
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ operation, contextValue }) {
          if (operation?.operation !== OperationTypeNode.MUTATION || limiter.take(contextValue.clientKey))
            return Promise.resolve();
          const refusal = new GraphQLError('Too many writes from this client; slow down and retry shortly.', {
            extensions: { code: 'RATE_LIMITED', http: { status: 429 } },
          });
          return Promise.reject(refusal);
        },
      });
    },
  };
}

/**
 * graphql-armor's token limit throws from a request hook, which Apollo answers with HTTP 500.
 * A request refused for its own shape is the client's error: such a response goes out as 400.
 */
export function clientErrorsAre400(_req: Request, res: Response, next: NextFunction): void {
  const send = res.send.bind(res);
  res.send = (body?: unknown) => {
    if (
      res.statusCode === 500 &&
      typeof body === 'string' &&
      /"code":"GRAPHQL_(VALIDATION|PARSE)_FAILED"/.test(body) &&
      !body.includes('INTERNAL_SERVER_ERROR')
    ) {
      res.status(400);
    }
    return send(body);
  };
  next();
}
