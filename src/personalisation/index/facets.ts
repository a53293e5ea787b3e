/**
 * What filters select on, by item handle (base docs first, then delta docs, as in segments.ts):
 * each item's categories, brand and tags as value ids with their postings, and its price. The
 * allowed set of a filter (allowedOf) is a byte per handle plus the allowed handles in order, so
 * a search can skip a disallowed item in its loop or, when few pass, score only those.
 */
import { filterValue, type ItemFilter } from '../../domain/filter';
import { growTo } from './typed-arrays';

/** The fields of an item a filter reads. */
export interface FacetSource {
  tags?: readonly string[] | null;
  categories?: readonly string[] | null;
  brand?: string | null;
  price?: number | null;
}

/** The handles a filter lets through: `bits[h] === 1`, and the same handles ascending. */
export interface Allowed {
  bits: Uint8Array;
  list: Int32Array;
}

type Field = 'categories' | 'brands' | 'tags';

export class Facets {
  private readonly valueIds = new Map<string, number>();
  private readonly postings: number[][] = [];
  /** Each handle's value ids (CSR), to carry them over a rebuild. */
  private offsets: Int32Array = new Int32Array(1024);
  private values: Int32Array = new Int32Array(4096);
  private price: Float64Array = new Float64Array(1024);
  count = 0;

  append(item: FacetSource): number {
    const h = this.count++;
    if (h + 1 >= this.offsets.length) {
      this.offsets = growTo(this.offsets, this.offsets.length * 2);
      this.price = growTo(this.price, this.price.length * 2);
    }
    const ids: number[] = [];
    for (const c of item.categories ?? []) ids.push(this.intern('categories', c));
    if (item.brand) ids.push(this.intern('brands', item.brand));
    for (const t of item.tags ?? []) ids.push(this.intern('tags', t));
    this.appendIds(h, ids);
    this.price[h] = item.price == null ? NaN : Number(item.price);
    return h;
  }

  /** The facets of the handles `alive` keeps, renumbered in order: what a rebuild of the segments does. */
  compact(alive: (handle: number) => boolean): Facets {
    const next = new Facets();
    for (const [key, id] of this.valueIds) next.valueIds.set(key, id);
    for (let i = 0; i < this.postings.length; i++) next.postings.push([]);
    for (let h = 0; h < this.count; h++) {
      if (!alive(h)) continue;
      const n = next.count++;
      if (n + 1 >= next.offsets.length) {
        next.offsets = growTo(next.offsets, next.offsets.length * 2);
        next.price = growTo(next.price, next.price.length * 2);
      }
      next.appendIds(n, Array.from(this.values.subarray(this.offsets[h], this.offsets[h + 1])));
      next.price[n] = this.price[h];
    }
    return next;
  }

  /** Whether one handle passes (the filter's definition; allowedOf computes it for all at once). */
  passes(h: number, f: ItemFilter): boolean {
    const has = (field: Field, wanted: readonly string[] | undefined) => {
      if (wanted === undefined) return true;
      const mine = this.values.subarray(this.offsets[h], this.offsets[h + 1]);
      return wanted.some((v) => {
        const id = this.valueIds.get(`${field}\u0000${v}`);
        return id !== undefined && mine.includes(id);
      });
    };
    return has('categories', f.categories) && has('brands', f.brands) && has('tags', f.tags) && this.inPrice(h, f);
  }

  /** The handles below `handles` (the live ones, per `alive`) that pass the filter. */
  allowedOf(f: ItemFilter, handles: number, alive: (h: number) => boolean): Allowed {
    const bits = new Uint8Array(handles);
    const fields = (['categories', 'brands', 'tags'] as const).filter((field) => f[field] !== undefined);
    if (fields.length === 0) {
      for (let h = 0; h < handles; h++) bits[h] = 1;
    } else {
      // bits[h] counts the fields h matches; an item passes when it matches every field named.
      fields.forEach((field, i) => {
        for (const v of f[field]!) {
          const id = this.valueIds.get(`${field}\u0000${v}`);
          if (id === undefined) continue;
          for (const h of this.postings[id]) if (h < handles && bits[h] === i) bits[h] = i + 1;
        }
      });
    }
    const need = Math.max(1, fields.length);
    const list: number[] = [];
    for (let h = 0; h < handles; h++) {
      if (bits[h] === need && alive(h) && this.inPrice(h, f)) {
        bits[h] = 1;
        list.push(h);
      } else bits[h] = 0;
    }
    return { bits, list: Int32Array.from(list) };
  }

  private inPrice(h: number, f: ItemFilter): boolean {
    if (f.priceMin === undefined && f.priceMax === undefined) return true;
    const p = this.price[h];
    // An item without a price passes no price bound.
    return (
      !Number.isNaN(p) && (f.priceMin === undefined || p >= f.priceMin) && (f.priceMax === undefined || p <= f.priceMax)
    );
  }

  private intern(field: Field, label: string): number {
    const key = `${field}\u0000${filterValue(label)}`;
    let id = this.valueIds.get(key);
    if (id === undefined) {
      id = this.postings.length;
      this.valueIds.set(key, id);
      this.postings.push([]);
    }
    return id;
  }

  private appendIds(h: number, ids: number[]): void {
    const unique = [...new Set(ids)];
    const start = this.offsets[h];
    if (start + unique.length > this.values.length)
      this.values = growTo(this.values, Math.max(this.values.length * 2, start + unique.length));
    unique.forEach((id, i) => {
      this.values[start + i] = id;
      this.postings[id].push(h);
    });
    this.offsets[h + 1] = start + unique.length;
  }
}
