/**
 * Prometheus metrics at /metrics (prom-client): request rate and latency per operation and
 * similarity, errors by code, the database pool, the content index and co-occurrence table, the
 * description model and its cache. Request metrics are observed by an Apollo plugin; everything
 * else is read from the services when Prometheus scrapes, so nothing is kept twice.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, Kind, type OperationDefinitionNode, valueFromASTUntyped, visit } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Context } from '../context';

/** What the scrape reads from the running process. */
export interface MetricSources {
  pool: () => { total: number; idle: number; waiting: number };
  index: () => { items: number; buildMs: number };
  coOccurrence: () => { pairs: number; bytes: number; loadMs: number };
  modelVersion: () => string | null;
  descriptionCache: () => { hits: number; misses: number };
}

export interface Metrics {
  registry: Registry;
  plugin: ApolloServerPlugin<Context>;
}

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tailor_' });
  const duration = new Histogram({
    name: 'tailor_graphql_request_duration_seconds',
    help: 'GraphQL requests by root field(s) and similarity asked for: latency, and by its count the request rate',
    labelNames: ['operation', 'similarity'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'tailor_graphql_errors_total',
    help: 'Errors in GraphQL answers, by extensions.code',
    labelNames: ['code'],
    registers: [registry],
  });
  const gauge = (name: string, help: string, read: (g: Gauge) => void, labelNames: string[] = []) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        read(this);
      },
    });
  gauge(
    'tailor_db_pool_connections',
    'Database pool connections by state (total, idle, waiting clients)',
    (g) => {
      const p = sources.pool();
      g.set({ state: 'total' }, p.total);
      g.set({ state: 'idle' }, p.idle);
      g.set({ state: 'waiting' }, p.waiting);
    },
    ['state'],
  );
  gauge('tailor_index_items', 'Items in the content index', (g) => g.set(sources.index().items));
  gauge('tailor_index_build_seconds', 'How long the content index took to build at start', (g) =>
    g.set(sources.index().buildMs / 1000),
  );
  gauge('tailor_cooccurrence_pairs', 'Co-occurrence pairs held in memory', (g) => g.set(sources.coOccurrence().pairs));
  gauge('tailor_cooccurrence_bytes', 'Bytes of the in-memory co-occurrence table', (g) =>
    g.set(sources.coOccurrence().bytes),
  );
  gauge('tailor_cooccurrence_load_seconds', 'How long the last full read of the co-occurrence table took', (g) =>
    g.set(sources.coOccurrence().loadMs / 1000),
  );
  gauge(
    'tailor_model_info',
    'The description model version serving (value 1; "none" for the untrained policy)',
    (g) => {
      g.reset();
      g.set({ version: sources.modelVersion() ?? 'none' }, 1);
    },
    ['version'],
  );
  gauge(
    'tailor_description_cache_lookups',
    'Personalised description cache lookups since start, by result (hit rate = hit / (hit + miss))',
    (g) => {
      const c = sources.descriptionCache();
      g.set({ result: 'hit' }, c.hits);
      g.set({ result: 'miss' }, c.misses);
    },
    ['result'],
  );

  const plugin: ApolloServerPlugin<Context> = {
    requestDidStart() {
      const started = performance.now();
      return Promise.resolve({
        willSendResponse({ response, document, operation, request }) {
          const labels = document
            ? describe(document, operation, request.variables ?? {})
            : { operation: 'invalid', similarity: 'none' };
          duration.observe(labels, (performance.now() - started) / 1000);
          const found = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          for (const e of found)
            errors.inc({ code: typeof e.extensions?.code === 'string' ? e.extensions.code : 'INTERNAL_SERVER_ERROR' });
          return Promise.resolve();
        },
      });
    },
  };
  return { registry, plugin };
}

/**
 * Labels of bounded cardinality: the root fields (their schema names, not aliases) and the
 * similarity arguments the operation uses (literal or variable), each sorted and joined.
 */
function describe(
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
  variables: Record<string, unknown>,
): { operation: string; similarity: string } {
  const op = operation ?? document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op) return { operation: 'invalid', similarity: 'none' };
  const roots = new Set<string>();
  for (const s of op.selectionSet.selections) if (s.kind === Kind.FIELD) roots.add(s.name.value);
  const similarities = new Set<string>();
  visit(document, {
    Argument(node) {
      if (node.name.value !== 'similarity') return;
      const value = valueFromASTUntyped(node.value, variables);
      if (value === 'COSINE' || value === 'JACCARD' || value === 'HYBRID') similarities.add(value);
    },
  });
  return {
    operation: `${op.operation}:${[...roots].sort().join(',') || 'none'}`,
    similarity: [...similarities].sort().join(',') || 'none',
  };
}
