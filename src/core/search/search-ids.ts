// The search index's listing ids by ordinal, and the ordinal of an id. A restored index keeps
// its ids packed (search-snapshot.ts PackedIds) and reads each the first time it is asked for: a
// start's first answers need a page of them, not 100,000.

import type { PackedIds } from "./search-snapshot.ts";

export class EntryIds {
  /** Id by ordinal; undefined once removed (never reused until compaction), "" while still packed. */
  readonly list: (string | undefined)[] = [];
  /** Ordinal by id, built when first needed: the first query after a restore does not need it. */
  private ordinals: Map<string, number> | undefined = new Map();

  constructor(private packed?: PackedIds) {}

  static restored(packed: PackedIds, count: number): EntryIds {
    const ids = new EntryIds(packed);
    // Ids are never empty: "" marks one not read from the packed string yet.
    for (let o = 0; o < count; o++) ids.list.push("");
    ids.ordinals = undefined;
    return ids;
  }

  /** How many ordinals were handed out, removed ones included. */
  get length(): number {
    return this.list.length;
  }

  isLive(ordinal: number): boolean {
    return this.list[ordinal] !== undefined;
  }

  /** The id of a live ordinal. */
  at(ordinal: number): string {
    const id = this.list[ordinal] as string;
    if (id !== "" || !this.packed) return id;
    const read = this.packed.read(ordinal);
    this.list[ordinal] = read;
    return read;
  }

  ordinal(id: string): number | undefined {
    return this.byId().get(id);
  }

  push(id: string): number {
    const ordinal = this.list.length;
    this.list.push(id);
    this.byId().set(id, ordinal);
    return ordinal;
  }

  /** Removes an id; its ordinal, or undefined when it was not here. */
  remove(id: string): number | undefined {
    const ordinal = this.byId().get(id);
    if (ordinal === undefined) return undefined;
    this.ordinals?.delete(id);
    this.list[ordinal] = undefined;
    return ordinal;
  }

  /** Every live id in ordinal order. */
  live(): string[] {
    const ids: string[] = [];
    for (let o = 0; o < this.list.length; o++) if (this.isLive(o)) ids.push(this.at(o));
    return ids;
  }

  /** Renumbers the live ids 0…n-1; returns the new ordinal of each old one (-1: removed). */
  compact(): Int32Array {
    const remap = new Int32Array(this.list.length).fill(-1);
    const ids = this.live();
    let next = 0;
    for (let o = 0; o < this.list.length; o++) if (this.isLive(o)) remap[o] = next++;
    this.list.length = 0;
    for (const id of ids) this.list.push(id);
    this.packed = undefined;
    this.ordinals = undefined;
    return remap;
  }

  private byId(): Map<string, number> {
    if (!this.ordinals) {
      const ordinals = new Map<string, number>();
      for (let o = 0; o < this.list.length; o++) if (this.isLive(o)) ordinals.set(this.at(o), o);
      this.ordinals = ordinals;
    }
    return this.ordinals;
  }
}
