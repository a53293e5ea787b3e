/**
 * The import line formats, validated: a bad line is rejected with a reason, never imported half-way.
 * An interaction line is validated exactly as the API validates a recorded interaction (domain/interaction.ts).
 */
import { z } from 'zod';
import type { ItemInput } from '../db/repositories/items';
import { badString, parseInteraction as parseEvent, reasonOf, type ValidEvent } from '../domain/interaction';

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * price is numeric(12, 2): Postgres rounds to cents, so anything from 9999999999.995 up becomes
 * 10000000000.00 and overflows, failing its whole batch. (The bound compares exactly: the JSON
 * text of a double sorts like the double.)
 */
const PRICE_LIMIT = 9_999_999_999.995;

const price = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\$?\d+(\.\d+)?$/)
      .transform((s) => Number(s.replace('$', ''))),
    z.null(),
  ])
  .refine(
    (p) => p === null || (Number.isFinite(p) && p >= 0 && p < PRICE_LIMIT),
    'price must be a non-negative number below 10000000000',
  )
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

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export function parseItem(raw: unknown): Parsed<ItemInput> {
  const bad = badString(raw);
  if (bad) return { ok: false, reason: bad.reason };
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
export function parseInteraction(raw: unknown, nowMs: number): Parsed<ValidEvent> {
  const parsed = parseEvent(raw, nowMs);
  if (!parsed.ok) return { ok: false, reason: parsed.refusal.reason };
  const { idempotencyKey: _ignored, ...event } = parsed.value;
  return { ok: true, value: event };
}
