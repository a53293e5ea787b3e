/** Growing typed arrays by copying: the one way every appendable store in the index grows. */

export type GrowableArray = Int32Array | Uint16Array | Float64Array | Uint32Array;

/** A copy of `a` with room for `size` entries (the new tail is zero). */
export function growTo<T extends GrowableArray>(a: T, size: number): T {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
}
