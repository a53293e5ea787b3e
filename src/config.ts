/**
 * Configuration from the environment, validated once at start: safe defaults for development,
 * strict ones for production. Other modules receive this object; none reads process.env.
 */
import { z } from 'zod';
import { type Clock, shiftedClock, systemClock } from './util/clock';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4001),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z.string().url().optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** "true" verifies the server certificate, "no-verify" encrypts without verifying. */
  DB_SSL: z.enum(['false', 'true', 'no-verify']).default('false'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54320),
  EMBEDDED_PG_DIR: z.string().optional(),
  /** Load the shipped sample into an empty database at start; default: only on the embedded one. */
  SEED_SAMPLE: bool.optional(),

  INTEREST_HALF_LIFE_DAYS: z.coerce.number().positive().default(30),
  DEDUPE_WINDOW_SECONDS: z.coerce.number().min(0).default(600),
  JACCARD_TOP_N: z.coerce.number().int().min(1).max(1000).default(50),
  /** HYBRID's weight of the content (COSINE) half; the rest is co-occurrence. Chosen on the Beauty validation split. */
  HYBRID_ALPHA: z.coerce.number().min(0).max(1).default(0.4),
  POPULARITY_WINDOW_DAYS: z.coerce.number().positive().default(30),
  // Issue 16: negative feedback and impressions (personalisation/feedback.ts), trending's smoothing.
  // Chosen by eval:recommend's NOT_INTERESTED simulation on the validation split (docs/evaluation-recommend.md).
  NEGATIVE_WEIGHT: z.coerce.number().min(0).max(1).default(0),
  IMPRESSION_DECAY: z.coerce.number().gt(0).max(1).default(0.7),
  IMPRESSION_GRACE: z.coerce.number().int().min(1).max(1000).default(3),
  TRENDING_SMOOTHING: z.coerce.number().positive().default(5),
  /** How often each process looks for catalogue changes made by other processes. */
  INDEX_REFRESH_MS: z.coerce.number().int().min(100).default(2_000),
  PAIR_FEED_RETENTION_MINUTES: z.coerce.number().positive().default(60),
  MODEL_POLL_MS: z.coerce.number().int().min(100).default(5_000),
  /** Item rows each process keeps in memory (about 2 kB each); 0 reads every item from Postgres. */
  ITEM_CACHE_SIZE: z.coerce.number().int().min(0).default(20_000),

  /** Development only: who asks comes from an unauthenticated x-user-id header. */
  ALLOW_DEV_USER_HEADER: bool.optional(),

  /** Verify bearer tokens with one of: an HS256 secret, a PEM public key, a JWKS URL or inline JWKS. */
  AUTH_JWT_SECRET: z.string().min(32, 'AUTH_JWT_SECRET must be at least 32 characters').optional(),
  AUTH_JWT_PUBLIC_KEY: z.string().optional(),
  AUTH_JWKS_URL: z.string().url().optional(),
  AUTH_JWKS: z.string().optional(),
  AUTH_JWT_ISSUER: z.string().optional(),
  AUTH_JWT_AUDIENCE: z.string().optional(),
  /** Shared secret that lets a trusted gateway forward who asks in x-tailor-* headers. */
  GATEWAY_SECRET: z.string().min(32, 'GATEWAY_SECRET must be at least 32 characters').optional(),

  /** Mutations each client (user, else IP) may send per minute, per process. */
  RATE_LIMIT_MUTATIONS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** A request that takes at least this long is logged at warn (every request is logged at debug). */
  SLOW_REQUEST_MS: z.coerce.number().min(0).default(1_000),
  /** Keep events of users who turned personalisation off (for the shop's own records). */
  STORE_EVENTS_WITHOUT_CONSENT: bool.default(true),
  /** Serve the storefront demo page at /demo (never in production). */
  DEMO_PAGE: bool.optional(),
  /**
   * For tests: run as if this many days had passed (CI runs the whole suite, spawned production
   * processes included, a year ahead with it, so no test depends on the day it runs). The process
   * logs a warning at start when it is set.
   */
  CLOCK_OFFSET_DAYS: z.coerce.number().finite().default(0),
});

export type Environment = z.input<typeof schema>;

export interface Config {
  env: 'development' | 'test' | 'production';
  isProduction: boolean;
  port: number;
  host: string;
  logLevel: string;
  database: {
    url: string | undefined;
    schema: string | undefined;
    poolSize: number;
    statementTimeoutMs: number;
    ssl: boolean | { rejectUnauthorized: boolean };
    embeddedPort: number;
    embeddedDir: string | undefined;
  };
  seedSample: boolean | undefined;
  personalisation: {
    halfLifeMs: number;
    dedupeWindowMs: number;
    jaccardTopN: number;
    hybridAlpha: number;
    popularityWindowMs: number;
    negativeWeight: number;
    impressionDecay: number;
    impressionGrace: number;
    trendingSmoothing: number;
  };
  indexRefreshMs: number;
  /** How long pair change feed rows are kept (services/co-occurrence.ts). */
  pairFeedRetentionMs: number;
  modelPollMs: number;
  itemCacheSize: number;
  allowDevUserHeader: boolean;
  auth: {
    jwtSecret?: string;
    jwtPublicKey?: string;
    jwksUrl?: string;
    jwks?: string;
    issuer?: string;
    audience?: string;
    gatewaySecret?: string;
  };
  rateLimitMutationsPerMinute: number;
  slowRequestMs: number;
  storeEventsWithoutConsent: boolean;
  demoPage: boolean;
  /** Where every rule that needs "now" reads it (the wall clock, shifted by CLOCK_OFFSET_DAYS). */
  clock: Clock;
  clockOffsetDays: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && !e.DATABASE_URL) {
    throw new ConfigError(
      'DATABASE_URL is required when NODE_ENV=production (the embedded database is for development)',
    );
  }
  if (isProduction && e.ALLOW_DEV_USER_HEADER) {
    throw new ConfigError('ALLOW_DEV_USER_HEADER cannot be enabled when NODE_ENV=production');
  }
  const verifiers = [e.AUTH_JWT_SECRET, e.AUTH_JWT_PUBLIC_KEY, e.AUTH_JWKS_URL, e.AUTH_JWKS].filter(Boolean).length;
  if (verifiers > 1)
    throw new ConfigError('set only one of AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY, AUTH_JWKS_URL, AUTH_JWKS');
  if (isProduction && verifiers === 0 && !e.GATEWAY_SECRET) {
    throw new ConfigError(
      'in production set a token verifier (AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY, AUTH_JWKS_URL or AUTH_JWKS) or GATEWAY_SECRET: otherwise nobody can be identified',
    );
  }
  const day = 86_400_000;
  return Object.freeze({
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      schema: e.DATABASE_SCHEMA,
      poolSize: e.DB_POOL_SIZE,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      ssl: e.DB_SSL === 'false' ? false : { rejectUnauthorized: e.DB_SSL === 'true' },
      embeddedPort: e.EMBEDDED_PG_PORT,
      embeddedDir: e.EMBEDDED_PG_DIR,
    },
    seedSample: e.SEED_SAMPLE,
    personalisation: {
      halfLifeMs: e.INTEREST_HALF_LIFE_DAYS * day,
      dedupeWindowMs: e.DEDUPE_WINDOW_SECONDS * 1000,
      jaccardTopN: e.JACCARD_TOP_N,
      hybridAlpha: e.HYBRID_ALPHA,
      popularityWindowMs: e.POPULARITY_WINDOW_DAYS * day,
      negativeWeight: e.NEGATIVE_WEIGHT,
      impressionDecay: e.IMPRESSION_DECAY,
      impressionGrace: e.IMPRESSION_GRACE,
      trendingSmoothing: e.TRENDING_SMOOTHING,
    },
    indexRefreshMs: e.INDEX_REFRESH_MS,
    pairFeedRetentionMs: e.PAIR_FEED_RETENTION_MINUTES * 60_000,
    modelPollMs: e.MODEL_POLL_MS,
    itemCacheSize: e.ITEM_CACHE_SIZE,
    allowDevUserHeader: e.ALLOW_DEV_USER_HEADER ?? !isProduction,
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET,
      jwtPublicKey: e.AUTH_JWT_PUBLIC_KEY,
      jwksUrl: e.AUTH_JWKS_URL,
      jwks: e.AUTH_JWKS,
      issuer: e.AUTH_JWT_ISSUER,
      audience: e.AUTH_JWT_AUDIENCE,
      gatewaySecret: e.GATEWAY_SECRET,
    },
    rateLimitMutationsPerMinute: e.RATE_LIMIT_MUTATIONS_PER_MINUTE,
    slowRequestMs: e.SLOW_REQUEST_MS,
    storeEventsWithoutConsent: e.STORE_EVENTS_WITHOUT_CONSENT,
    demoPage: (e.DEMO_PAGE ?? !isProduction) && !isProduction,
    clock: e.CLOCK_OFFSET_DAYS === 0 ? systemClock : shiftedClock(e.CLOCK_OFFSET_DAYS * day),
    clockOffsetDays: e.CLOCK_OFFSET_DAYS,
  });
}
