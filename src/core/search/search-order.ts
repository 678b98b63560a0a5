// The orders the search index keeps its ordinals in (newest, price up, price down), and the merge
// that folds newly added ordinals into a cached order without sorting it all again.

import type { Columns } from "./search-columns.ts";
import type { SearchSort } from "./search-query.ts";

/** Compares two ordinals in a sort order; ties go by newest, then by id, so every order is total. */
export function comparator(
  sort: SearchSort,
  columns: Columns,
  idOf: (o: number) => string,
): (a: number, b: number) => number {
  const { updatedAt, price } = columns;
  const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const newest = (a: number, b: number) =>
    (updatedAt[b] as number) - (updatedAt[a] as number) || byId(idOf(a), idOf(b));
  if (sort === "newest") return newest;
  const sign = sort === "price-asc" ? 1 : -1;
  // Listings without a comparable price go last in either direction.
  return (a, b) => {
    const pa = price[a] as number;
    const pb = price[b] as number;
    if (Number.isNaN(pa) || Number.isNaN(pb))
      return Number.isNaN(pa) && Number.isNaN(pb) ? newest(a, b) : Number.isNaN(pa) ? 1 : -1;
    return sign * (pa - pb) || newest(a, b);
  };
}

/** Two sorted lists as one, keeping only the live ordinals. */
export function merge(
  a: Uint32Array,
  b: number[],
  compare: (x: number, y: number) => number,
  live: (o: number) => boolean,
): Uint32Array {
  const out = new Uint32Array(a.length + b.length);
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && compare(a[i] as number, b[j] as number) <= 0);
    const o = (takeA ? a[i++] : b[j++]) as number;
    if (live(o)) out[n++] = o;
  }
  return out.slice(0, n);
}
