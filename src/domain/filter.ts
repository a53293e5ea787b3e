/**
 * What a shop may restrict recommendations to (issue 16): any of some categories, brands or
 * tags, a price range, and ids to leave out. One validation for every door that takes a filter.
 */
import { InvalidInput } from './errors';

/** The most ids a filter may leave out, and the most values of one field it may name. */
export const FILTER_LIMITS = { excludeIds: 1000, values: 100 } as const;

export interface RecommendationFilter {
  categories?: readonly string[] | null;
  brands?: readonly string[] | null;
  tags?: readonly string[] | null;
  priceMin?: number | null;
  priceMax?: number | null;
  excludeIds?: readonly string[] | null;
}

/** A filter as the engine takes it: values compared case- and space-insensitively (filterValue). */
export interface ItemFilter {
  categories?: readonly string[];
  brands?: readonly string[];
  tags?: readonly string[];
  priceMin?: number;
  priceMax?: number;
}

/** How a category, brand or tag is compared: trimmed, inner spaces collapsed, lower case. */
export function filterValue(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * The filter checked and split: what the engine restricts to (null when nothing is restricted)
 * and the ids to leave out. Bad bounds are the client's mistake, named by the argument.
 */
export function parseFilter(
  raw: RecommendationFilter | null | undefined,
  argument = 'filter',
): { items: ItemFilter | null; excludeIds: string[] } {
  if (!raw) return { items: null, excludeIds: [] };
  const excludeIds = [...(raw.excludeIds ?? [])];
  if (excludeIds.length > FILTER_LIMITS.excludeIds)
    throw new InvalidInput(
      `${argument}.excludeIds may hold at most ${FILTER_LIMITS.excludeIds} ids (got ${excludeIds.length})`,
      argument,
    );
  const items: ItemFilter = {};
  for (const field of ['categories', 'brands', 'tags'] as const) {
    const values = raw[field];
    if (values == null) continue;
    if (values.length > FILTER_LIMITS.values)
      throw new InvalidInput(`${argument}.${field} may name at most ${FILTER_LIMITS.values} values`, argument);
    items[field] = [...new Set(values.map(filterValue))].sort();
  }
  for (const bound of ['priceMin', 'priceMax'] as const) {
    const v = raw[bound];
    if (v == null) continue;
    if (!Number.isFinite(v) || v < 0)
      throw new InvalidInput(`${argument}.${bound} must be a number of at least 0 (got ${v})`, argument);
    items[bound] = v;
  }
  if (items.priceMin !== undefined && items.priceMax !== undefined && items.priceMin > items.priceMax)
    throw new InvalidInput(
      `${argument}.priceMin (${items.priceMin}) must not be above ${argument}.priceMax (${items.priceMax})`,
      argument,
    );
  return { items: Object.keys(items).length > 0 ? items : null, excludeIds };
}

/** One key per distinct restriction (values already sorted): the allowed-items cache's key. */
export function filterKey(f: ItemFilter): string {
  return JSON.stringify([
    f.categories ?? null,
    f.brands ?? null,
    f.tags ?? null,
    f.priceMin ?? null,
    f.priceMax ?? null,
  ]);
}
