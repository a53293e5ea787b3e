/**
 * What a shopper did: the kinds of event, and the one validation of an event that both ways in
 * (the GraphQL API and the bulk importer) apply, so a line and a mutation with the same content
 * get the same answer, in the same words.
 *
 * A `query` belongs to a SEARCH. On any other kind it is refused by both doors ("query is only
 * for SEARCH"), not dropped: a shop that sends one has a bug in what it sends, and an importer
 * that silently dropped the field would import the line half-way. (Until this module the
 * importer dropped it while the API refused it.) A whitespace-only query counts as none.
 */
import { z } from 'zod';
import { eventTimeProblem, storableTimeProblem, stringProblem } from './storable';

export const INTERACTION_KINDS = ['VIEW', 'SEARCH', 'ADD_TO_CART', 'PURCHASE', 'NOT_INTERESTED'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

/** Kinds that say the user wants the item: they reset its impression count (issue 16). */
export const ENGAGEMENT_KINDS: readonly InteractionKind[] = ['VIEW', 'ADD_TO_CART', 'PURCHASE'];

/** Negative feedback: excludes the item for its user and weakens its terms; never counted as interest. */
export const NOT_INTERESTED: InteractionKind = 'NOT_INTERESTED';

export const INTERACTION_LIMITS = { idLength: 200, queryLength: 500, keyLength: 200 } as const;

/** An event as recorded: the log's row, whichever door it came through. */
export interface Interaction {
  id: string;
  userId: string;
  itemId: string | null;
  kind: InteractionKind;
  query: string | null;
  occurredAt: Date;
  recordedAt: Date;
  idempotencyKey: string | null;
  /** False when it repeated an identical event inside the de-duplication window. */
  counted: boolean;
}

/** An event that passed validation, ready to log. */
export interface ValidEvent {
  userId: string;
  itemId: string | null;
  kind: InteractionKind;
  query: string | null;
  occurredAt: Date;
}

const id = (max: number) =>
  z.string().trim().min(1, `must be 1 to ${max} characters`).max(max, `must be 1 to ${max} characters`);

/** A time the log can hold (whether it is in the future depends on the clock: see parseInteraction). */
const occurredAt = z.union([z.date(), z.string(), z.number()]).transform((v, ctx) => {
  const d = new Date(v);
  const problem = storableTimeProblem(d.getTime());
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return d;
});

/** The fields of an event, each on its own; parseInteraction adds the rules between them. */
export const interactionSchema = z.object({
  userId: id(INTERACTION_LIMITS.idLength),
  itemId: id(INTERACTION_LIMITS.idLength).nullish(),
  kind: z.enum(INTERACTION_KINDS),
  occurredAt,
  query: z
    .string()
    .trim()
    .max(INTERACTION_LIMITS.queryLength, `must be at most ${INTERACTION_LIMITS.queryLength} characters`)
    .nullish(),
  /** The API's retry key (the importer derives its own from a line's content and ignores this). */
  idempotencyKey: z
    .string()
    .min(1, `must be 1 to ${INTERACTION_LIMITS.keyLength} characters`)
    .max(INTERACTION_LIMITS.keyLength, `must be 1 to ${INTERACTION_LIMITS.keyLength} characters`)
    .nullish(),
});

/** Why an input was refused: a reason a person can read, and the argument (top-level field) it is about. */
export interface Refusal {
  reason: string;
  argument: string | undefined;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

const refuse = (reason: string, argument: string | undefined): { ok: false; refusal: Refusal } => ({
  ok: false,
  refusal: { reason, argument },
});

/**
 * One event, validated at `nowMs` (the caller's clock: no event may be ahead of it). `raw` is an
 * import line as parsed from JSON or the API's input (with `occurredAt` already defaulted to now).
 */
export function parseInteraction(raw: unknown, nowMs: number): Parsed<ValidEvent & { idempotencyKey: string | null }> {
  const bad = badString(raw);
  if (bad) return refuse(bad.reason, bad.argument);
  const r = interactionSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0]?.path[0];
    return refuse(reasonOf(r.error), first === undefined ? undefined : String(first));
  }
  const v = r.data;
  const future = eventTimeProblem(v.occurredAt.getTime(), nowMs);
  if (future) return refuse(`occurredAt: ${future}`, 'occurredAt');
  const query = v.query || null;
  if (v.kind === 'SEARCH' && !query) return refuse('a SEARCH needs a query', 'query');
  if (v.kind !== 'SEARCH' && !v.itemId) return refuse(`a ${v.kind} needs an itemId`, 'itemId');
  if (v.kind !== 'SEARCH' && query) return refuse('query is only for SEARCH', 'query');
  return {
    ok: true,
    value: {
      userId: v.userId,
      itemId: v.itemId ?? null,
      kind: v.kind,
      occurredAt: v.occurredAt,
      query,
      idempotencyKey: v.idempotencyKey ?? null,
    },
  };
}

/** A user id as both doors take it (trimmed, 1 to 200 characters, storable). */
export function parseUserId(raw: string): Parsed<string> {
  const problem = stringProblem(raw);
  if (problem) return refuse(`userId: ${problem}`, 'userId');
  const r = interactionSchema.shape.userId.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : refuse(`userId: ${r.error.issues[0].message}`, 'userId');
}

/** Every issue of a failed parse, each after the path of the field it is about, as one line. */
export function reasonOf(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

const at = (path: string, problem: string) => (path === '' ? problem : `${path}: ${problem}`);

/**
 * The first string of an input, value or object key at any depth, that cannot be stored, named
 * by its path as zod names fields ("title", "categories.2", "attributes.colour"). Checked on the
 * raw input so a field a schema lets through untyped (attribute values) is covered too.
 */
export function badString(value: unknown, path = ''): Refusal | undefined {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    return problem ? { reason: at(path, problem), argument: path.split('.')[0] || undefined } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = badString(value[i], path === '' ? String(i) : `${path}.${i}`);
      if (bad) return bad;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    const keyProblem = stringProblem(key);
    if (keyProblem)
      return {
        reason: at(path, `key ${JSON.stringify(key)} ${keyProblem}`),
        argument: path.split('.')[0] || undefined,
      };
    const bad = badString(v, path === '' ? key : `${path}.${key}`);
    if (bad) return bad;
  }
  return undefined;
}
