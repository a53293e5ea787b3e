/** Reads tailor's JSON Lines import files (items, interactions) for offline evaluation. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { InteractionKind } from '../domain/interaction';

export interface EvalItem {
  id: string;
  tags: string[];
  categories: string[];
  brand: string | null;
  price?: number | null;
  attributes: Record<string, unknown>;
}

export interface EvalInteraction {
  userId: string;
  itemId: string | null;
  kind: InteractionKind;
  occurredAtMs: number;
  query: string | null;
}

function lines(file: string): string[] {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return text.split('\n').filter((l) => l.trim() !== '');
}

export function readItems(file: string): EvalItem[] {
  return lines(file).map((l) => {
    const r = JSON.parse(l) as {
      id: unknown;
      tags?: string[];
      categories?: string[];
      brand?: string | null;
      price?: number | null;
      attributes?: Record<string, unknown>;
    };
    return {
      id: String(r.id),
      tags: r.tags ?? [],
      categories: r.categories ?? [],
      brand: r.brand ?? null,
      price: typeof r.price === 'number' && Number.isFinite(r.price) ? r.price : null,
      attributes: r.attributes ?? {},
    };
  });
}

export function readInteractions(file: string): EvalInteraction[] {
  return lines(file).map((l) => {
    const r = JSON.parse(l) as {
      userId: unknown;
      itemId?: string | null;
      kind: EvalInteraction['kind'];
      occurredAt: string;
      query?: string | null;
    };
    return {
      userId: String(r.userId),
      itemId: r.itemId ?? null,
      kind: r.kind,
      occurredAtMs: Date.parse(r.occurredAt),
      query: r.query ?? null,
    };
  });
}

/** Each user's interactions oldest first (file order breaks ties, so a converted sequence keeps its order). */
export function byUser(interactions: EvalInteraction[]): Map<string, EvalInteraction[]> {
  const users = new Map<string, EvalInteraction[]>();
  interactions.forEach((e) => {
    let list = users.get(e.userId);
    if (!list) users.set(e.userId, (list = []));
    list.push(e);
  });
  for (const list of users.values()) {
    const order = new Map(list.map((e, i) => [e, i]));
    list.sort((a, b) => a.occurredAtMs - b.occurredAtMs || order.get(a)! - order.get(b)!);
  }
  return users;
}
