// The search index's entries as columns of typed arrays by ordinal, and the small tables that
// turn repeated strings (categories, authors) into numbers for them.

/** Small tables of repeated strings (categories, authors), kept as their numbers. */
export class Names {
  readonly ids = new Map<string, number>();
  constructor(readonly list: string[] = []) {
    list.forEach((name, id) => {
      this.ids.set(name, id);
    });
  }
  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.list.length;
      this.ids.set(name, id);
      this.list.push(name);
    }
    return id;
  }
}

export const NUMERIC = [
  "updatedAt",
  "expiresAt",
  "price",
  "category",
  "kind",
  "currency",
  "author",
  "hasPhoto",
] as const;
export type Columns = {
  updatedAt: Float64Array;
  expiresAt: Float64Array;
  price: Float64Array;
  category: Uint32Array;
  kind: Uint32Array;
  currency: Uint32Array;
  author: Uint32Array;
  hasPhoto: Uint8Array;
};
export const emptyColumns = (n: number): Columns => ({
  updatedAt: new Float64Array(n),
  expiresAt: new Float64Array(n),
  price: new Float64Array(n),
  category: new Uint32Array(n),
  kind: new Uint32Array(n),
  currency: new Uint32Array(n),
  author: new Uint32Array(n),
  hasPhoto: new Uint8Array(n),
});
