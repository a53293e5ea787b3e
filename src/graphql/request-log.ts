/**
 * One structured log line per GraphQL request: the operation, how long it took, the error codes
 * it answered with and who asked (hashed, as every log line here names users). At debug level
 * for every request; at warn for one that took SLOW_REQUEST_MS or longer, so a production log
 * at info shows the slow ones without the volume of the rest. Query text and variables are never
 * logged (they can hold personal data).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { hashId, Logger } from '../logger';

export function requestLog(logger: Logger, slowMs: number): ApolloServerPlugin<Context> {
  return {
    // Apollo's hooks return promises; these have nothing to wait for.
    requestDidStart({ contextValue }) {
      const started = performance.now();
      return Promise.resolve({
        willSendResponse({ response, operationName }) {
          const ms = performance.now() - started;
          const slow = ms >= slowMs;
          if (!logger.isLevelEnabled(slow ? 'warn' : 'debug')) return Promise.resolve();
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const line = {
            operation: operationName ?? null,
            ms: Math.round(ms * 10) / 10,
            status: response.http.status ?? 200,
            errors: errors.map((e) =>
              typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR',
            ),
            viewer: contextValue.viewer?.userId ? hashId(contextValue.viewer.userId) : null,
          };
          if (slow) logger.warn(line, 'slow GraphQL request');
          else logger.debug(line, 'GraphQL request');
          return Promise.resolve();
        },
      });
    },
  };
}
