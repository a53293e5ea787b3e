/**
 * The HTTP face of the subgraph: Apollo Server on Express with /graphql, /health and /ready,
 * errors that never carry a stack trace, and a drain on stop so in-flight requests finish.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLFormattedError } from 'graphql';
import type { Config } from './config';
import { Authenticator } from './auth/authenticator';
import { Context, createContext } from './context';
import { ping, poolStats } from './db/repositories/database';
import { createMetrics } from './graphql/metrics';
import { DomainError } from './domain/errors';
import { extensionsOf, toGraphQLError } from './graphql/errors';
import { armor, clientErrorsAre400, mutationRateLimit, RateLimiter } from './graphql/limits';
import { buildSchema } from './graphql';
import { demoRouter } from './demo/router';
import type { Logger } from './logger';
import type { Services } from './services';
import { requestLog } from './graphql/request-log';

export interface HttpServer {
  apollo: ApolloServer<Context>;
  http: http.Server;
  app: express.Express;
}

const SAFE_CODES = new Set([
  'BAD_USER_INPUT',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'RATE_LIMITED',
]);

/** Connection-level failures of Postgres that mean "try again later", not "bug". */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (
    e.code &&
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      '57P01',
      '57P02',
      '57P03',
      '08000',
      '08003',
      '08006',
      '53300',
    ].includes(e.code)
  )
    return true;
  return /Connection terminated|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET|Client has encountered a connection error|Connection ended unexpectedly/i.test(
    e.message ?? '',
  );
}

/** Clients see a clear code and message; unexpected errors are logged in full and masked. */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof DomainError) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: extensionsOf(original),
      };
    }
    const code = formatted.extensions?.code as string | undefined;
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    if (isDatabaseUnavailable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'database unavailable');
      return {
        message: 'The database is unavailable; try again shortly.',
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      };
    }
    if (code && SAFE_CODES.has(code)) return { ...formatted, extensions };
    // A representation naming a type this subgraph does not have is the caller's mistake.
    if (/^The _entities resolver tried to load an entity for type/.test(formatted.message)) {
      return { ...formatted, extensions: { code: 'BAD_USER_INPUT' } };
    }
    const errorId = randomUUID();
    logger.error({ err: original, errorId, path: formatted.path }, 'unexpected error in a request');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
    };
  };
}

/** Who asks; a refusal is answered as GraphQL errors are (Apollo takes a context function's GraphQLError as it is). */
async function viewerOf(authenticator: Authenticator, headers: http.IncomingHttpHeaders) {
  try {
    return await authenticator.viewerFor(headers);
  } catch (err) {
    throw err instanceof DomainError ? toGraphQLError(err) : err;
  }
}

export async function createHttpServer(services: Services, config: Config, logger: Logger): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  // Answers are personal and sent with cache-control: no-store, so an ETag (a SHA-1 of every
  // response body, Express's default) could never be used.
  app.set('etag', false);
  const httpServer = http.createServer(app);
  const protection = armor();
  const metrics = createMetrics({
    pool: () => poolStats(services.db),
    index: () => ({ items: services.catalogue.engine.size, buildMs: services.catalogue.buildMs }),
    coOccurrence: () => services.coOccurrence.stats(),
    modelVersion: () => services.descriptions.model.modelVersion,
    descriptionCache: () => services.descriptions.model.cacheLookups,
  });
  const plugins: ApolloServerPlugin<Context>[] = [
    ...(protection.plugins as ApolloServerPlugin<Context>[]),
    ApolloServerPluginDrainHttpServer({ httpServer }),
    config.isProduction
      ? ApolloServerPluginLandingPageDisabled()
      : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    mutationRateLimit(new RateLimiter(config.rateLimitMutationsPerMinute)),
    requestLog(logger, config.slowRequestMs),
    metrics.plugin,
    // The schema declares no cache hints and every answer may be personal, so the policy is always
    // "no-store" (set below); the plugin that works that out costs an object and a closure per
    // resolved field, and its per-field hook is what makes Apollo wrap every resolver.
    ApolloServerPluginCacheControlDisabled(),
  ];
  const authenticator = new Authenticator({ ...config.auth, allowDevUserHeader: config.allowDevUserHeader });
  const apollo = new ApolloServer<Context>({
    schema: buildSchema(),
    plugins,
    validationRules: protection.validationRules,
    allowBatchedHttpRequests: false,
    introspection: !config.isProduction,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(logger),
    // Apollo's own messages (inline tracing enabled, landing page, ...) as structured log lines.
    logger: logger.child({ component: 'apollo' }),
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT and stops everything in order; two handlers deadlock the stop.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  app.get('/ready', async (_req, res) => {
    try {
      await Promise.race([
        ping(services.db),
        new Promise((_, reject) => setTimeout(() => reject(new Error('readiness check timed out')), 2_000).unref()),
      ]);
      res.json({
        status: 'ready',
        items: services.catalogue.engine.size,
        modelVersion: services.descriptions.model.modelVersion,
      });
    } catch (err) {
      logger.warn({ err }, 'not ready: database unreachable');
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  if (config.demoPage) app.use('/demo', demoRouter());
  app.use(
    '/graphql',
    clientErrorsAre400,
    (_req: express.Request, res: express.Response, next: express.NextFunction) => {
      res.setHeader('cache-control', 'no-store');
      next();
    },
    express.json({ limit: '100kb' }),
    // A blank body leaves req.body unset, which Apollo reports as a server error; it is the client's.
    (req: express.Request, _res: express.Response, next: express.NextFunction) => {
      req.body ??= {};
      next();
    },
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createContext(services, await viewerOf(authenticator, req.headers), req.ip ?? 'unknown'),
    }),
  );
  // Body-parser refusals (malformed JSON, oversized bodies) answer in GraphQL's shape, never
  // with Express's default page, which carries a stack trace outside production.
  app.use(
    (
      err: { status?: number; statusCode?: number; type?: string },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status = err.status ?? err.statusCode ?? 500;
      if (status >= 500) logger.error({ err }, 'unexpected error outside GraphQL');
      const [code, message] =
        status === 413
          ? ['PAYLOAD_TOO_LARGE', 'The request body is too large.']
          : status < 500
            ? ['BAD_REQUEST', 'The request body is not valid JSON.']
            : ['INTERNAL_SERVER_ERROR', 'Internal server error'];
      res.status(status).json({ errors: [{ message, extensions: { code } }] });
    },
  );
  return { apollo, http: httpServer, app };
}
