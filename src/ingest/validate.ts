/** The import line formats, validated: a bad line is rejected with a reason, never imported half-way. */
import { z } from 'zod';
import type { ItemInput } from '../db/repositories/items';
import type { NewInteraction } from '../db/repositories/interactions';
import { eventTimeProblem, storableTimeProblem, stringProblem } from '../util/storable';

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * price is numeric(12, 2): Postgres rounds to cents, so anything from 9999999999.995 up becomes
 * 10000000000.00 and overflows, failing its whole batch. (The bound compares exactly: the JSON
 * text of a double sorts like the double.)
 */
const PRICE_LIMIT = 9_999_999_999.995;

const price = z
  .union([z.number(), z.string().trim().regex(/^\$?\d+(\.\d+)?$/).transform((s) => Number(s.replace('$', ''))), z.null()])
  .refine((p) => p === null || (Number.isFinite(p) && p >= 0 && p < PRICE_LIMIT), 'price must be a non-negative number below 10000000000')
  .optional();

export const itemLine = z.object({
  id: text(200),
  title: text(1_000),
  description: z.string().max(20_000).nullish(),
  brand: z.string().trim().max(200).nullish(),
  categories: z.array(text(200)).max(50).nullish(),
  tags: z.array(text(200)).max(200).nullish(),
  price,
  attributes: z.record(z.string(), z.unknown()).nullish(),
});

/** A time the log can hold (whether it is in the future depends on the clock: see parseInteraction). */
const occurredAt = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const d = new Date(v);
  const problem = storableTimeProblem(d.getTime());
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  }
  return d;
});

export const interactionLine = z.object({
  userId: text(200),
  itemId: text(200).nullish(),
  kind: z.enum(['VIEW', 'SEARCH', 'ADD_TO_CART', 'PURCHASE']),
  occurredAt,
  query: z.string().trim().max(500).nullish(),
});

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function reasonOf(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

const at = (path: string, problem: string) => (path === '' ? problem : `${path}: ${problem}`);

/**
 * The first string of a line, value or object key at any depth, that cannot be stored, named by
 * its path as zod names fields ("title", "categories.2", "attributes.colour"). Checked on the raw
 * line so a field the schema lets through untyped (attribute values) is covered too.
 */
function badString(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    return problem && at(path, problem);
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
    if (keyProblem) return at(path, `key ${JSON.stringify(key)} ${keyProblem}`);
    const bad = badString(v, path === '' ? key : `${path}.${key}`);
    if (bad) return bad;
  }
  return undefined;
}

export function parseItem(raw: unknown): Parsed<ItemInput> {
  const bad = badString(raw);
  if (bad) return { ok: false, reason: bad };
  const r = itemLine.safeParse(raw);
  if (!r.success) return { ok: false, reason: reasonOf(r.error) };
  const v = r.data;
  const description = v.description?.trim() || null;
  return {
    ok: true,
    value: {
      id: v.id,
      title: v.title,
      description,
      brand: v.brand || null,
      categories: v.categories ?? [],
      tags: v.tags ?? [],
      price: v.price ?? null,
      attributes: v.attributes ?? {},
    },
  };
}

/** One interaction line, as the API would have taken it at `nowMs` (the importer's clock). */
export function parseInteraction(raw: unknown, nowMs: number): Parsed<Omit<NewInteraction, 'idempotencyKey' | 'counted'>> {
  const bad = badString(raw);
  if (bad) return { ok: false, reason: bad };
  const r = interactionLine.safeParse(raw);
  if (!r.success) return { ok: false, reason: reasonOf(r.error) };
  const v = r.data;
  const future = eventTimeProblem(v.occurredAt.getTime(), nowMs);
  if (future) return { ok: false, reason: `occurredAt: ${future}` };
  if (v.kind === 'SEARCH' && !v.query) return { ok: false, reason: 'a SEARCH needs a query' };
  if (v.kind !== 'SEARCH' && !v.itemId) return { ok: false, reason: `a ${v.kind} needs an itemId` };
  return { ok: true, value: { userId: v.userId, itemId: v.itemId ?? null, kind: v.kind, occurredAt: v.occurredAt, query: v.kind === 'SEARCH' ? v.query! : null } };
}
