/** The import line formats, validated: a bad line is rejected with a reason, never imported half-way. */
import { z } from 'zod';
import type { ItemInput } from '../db/repositories/items';
import type { NewInteraction } from '../db/repositories/interactions';

const text = (max: number) => z.string().trim().min(1).max(max);

const price = z
  .union([z.number(), z.string().trim().regex(/^\$?\d+(\.\d+)?$/).transform((s) => Number(s.replace('$', ''))), z.null()])
  .refine((p) => p === null || (Number.isFinite(p) && p >= 0 && p < 1e10), 'price must be a non-negative number')
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

export const interactionLine = z.object({
  userId: text(200),
  itemId: text(200).nullish(),
  kind: z.enum(['VIEW', 'SEARCH', 'ADD_TO_CART', 'PURCHASE']),
  occurredAt: z.union([z.string(), z.number()]).transform((v, ctx) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'occurredAt is not a valid time' });
      return z.NEVER;
    }
    return d;
  }),
  query: z.string().trim().max(500).nullish(),
});

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function reasonOf(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Postgres text cannot hold a NUL character: such a line is refused whole rather than failing its batch. */
function hasNul(raw: unknown): boolean {
  return JSON.stringify(raw ?? null).includes('\\u0000');
}

export function parseItem(raw: unknown): Parsed<ItemInput> {
  if (hasNul(raw)) return { ok: false, reason: 'contains a NUL character' };
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

export function parseInteraction(raw: unknown): Parsed<Omit<NewInteraction, 'idempotencyKey' | 'counted'>> {
  if (hasNul(raw)) return { ok: false, reason: 'contains a NUL character' };
  const r = interactionLine.safeParse(raw);
  if (!r.success) return { ok: false, reason: reasonOf(r.error) };
  const v = r.data;
  if (v.kind === 'SEARCH' && !v.query) return { ok: false, reason: 'a SEARCH needs a query' };
  if (v.kind !== 'SEARCH' && !v.itemId) return { ok: false, reason: `a ${v.kind} needs an itemId` };
  return { ok: true, value: { userId: v.userId, itemId: v.itemId ?? null, kind: v.kind, occurredAt: v.occurredAt, query: v.kind === 'SEARCH' ? v.query! : null } };
}
