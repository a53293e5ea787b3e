/**
 * Chooses the shipped sample: a connected, well-described subset of the real magazine
 * catalogue, grown greedily from the best-linked magazine so walks over its links keep moving.
 */
import type { ItemRecord } from './format';
import { REAL_DESCRIPTION_WORDS } from './magazines';

function linkIds(item: ItemRecord): string[] {
  const ids: string[] = [];
  for (const key of ['also_buy', 'also_view']) {
    const v = item.attributes[key];
    if (Array.isArray(v)) for (const id of v) if (typeof id === 'string') ids.push(id);
  }
  return ids;
}

/**
 * Up to `size` items with real descriptions and derived names: start at the item with most links to other
 * described items, then repeatedly add the outside item with most links into the chosen set
 * (ties broken by id, so the choice is deterministic). Links are then restricted to the set.
 */
export function chooseSample(catalogue: readonly ItemRecord[], size: number): ItemRecord[] {
  const described = catalogue.filter(
    // A title that fell back to the publisher ("Bonnier Corporation") names no magazine; the sample shows real names.
    (i) =>
      i.description !== null &&
      i.description.split(' ').length > REAL_DESCRIPTION_WORDS &&
      i.title !== i.brand &&
      !i.title.startsWith('Magazine '),
  );
  const byId = new Map(described.map((i) => [i.id, i]));
  // Undirected: an also_buy link from either side connects the two.
  const neighbours = new Map<string, Set<string>>();
  for (const item of described) {
    for (const other of linkIds(item)) {
      if (!byId.has(other) || other === item.id) continue;
      if (!neighbours.has(item.id)) neighbours.set(item.id, new Set());
      if (!neighbours.has(other)) neighbours.set(other, new Set());
      neighbours.get(item.id)!.add(other);
      neighbours.get(other)!.add(item.id);
    }
  }
  const degree = (id: string) => neighbours.get(id)?.size ?? 0;
  const byDegree = [...neighbours.keys()].sort((a, b) => degree(b) - degree(a) || (a < b ? -1 : 1));
  if (byDegree.length === 0) return [];
  const chosen = new Set<string>([byDegree[0]]);
  const into = new Map<string, number>(); // outside id -> links into the chosen set
  const admit = (id: string) => {
    chosen.add(id);
    into.delete(id);
    for (const n of neighbours.get(id) ?? []) if (!chosen.has(n)) into.set(n, (into.get(n) ?? 0) + 1);
  };
  admit(byDegree[0]);
  while (chosen.size < size && into.size > 0) {
    let best: string | null = null;
    let bestScore = -1;
    for (const [id, n] of into) {
      if (n > bestScore || (n === bestScore && best !== null && id < best)) {
        best = id;
        bestScore = n;
      }
    }
    admit(best!);
  }
  return [...chosen].sort().map((id) => {
    const item = byId.get(id)!;
    const attributes: Record<string, unknown> = { ...item.attributes };
    for (const key of ['also_buy', 'also_view']) {
      const v = item.attributes[key];
      attributes[key] = Array.isArray(v) ? v.filter((x) => typeof x === 'string' && chosen.has(x)) : [];
    }
    return { ...item, attributes };
  });
}
