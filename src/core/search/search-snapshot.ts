// The search index as the hub keeps it in the store's meta (search.ts), in two values read one
// after the other: the entries (ids, columns, names, sort orders), enough for every query without
// words, then the word postings, which a query with words waits for.

import { PEER_ID_PREFIX } from "../crypto.ts";
import type { Columns } from "./search-columns.ts";
import type { PostingsSnapshot } from "./search-postings.ts";
import type { SearchSort } from "./search-query.ts";

export const SNAPSHOT_FORMAT = 2;

/** The index's entries as one structured-clonable value; every column holds `count` entries, all live. */
export interface EntriesSnapshot extends Columns {
  format: typeof SNAPSHOT_FORMAT;
  count: number;
  /** Every id, joined by "\n" (ids never hold one; packIds): one string reads back far faster than 100,000. */
  ids: string;
  names: { category: string[]; kind: string[]; currency: string[]; author: string[] };
  /** Ordinals in each sort order, so the first query after a start sorts nothing. */
  orders: Partial<Record<SearchSort, Uint32Array>>;
}

/** The entries as saved: with the store change they reflect and where their words are. */
export interface SearchSnapshot extends EntriesSnapshot {
  /** The number of the last store change (Store.listListingChangesAfter) the snapshot reflects. */
  mark: number;
  /** The meta key of the words saved with these entries, and the token both carry. */
  words: { key: string; generation: string };
}

/** The words saved with one copy of the entries (their ordinals are its ordinals). */
export interface WordsSnapshot extends PostingsSnapshot {
  generation: string;
}

/**
 * A listing id starts with its author's id without "pb-" and a "-" (records.ts newListingId):
 * saved, that part is "~" (ids are /^[A-Za-z0-9_-]+$/, never "~"), the author column holding the
 * rest. Real ids are 43 characters, 27 of them the author's: ~40% of the entries' bytes.
 */
const ELIDED = "~";

function ownPrefixes(authorNames: readonly string[]): string[] {
  return authorNames.map(
    (author) => `${author.startsWith(PEER_ID_PREFIX) ? author.slice(PEER_ID_PREFIX.length) : author}-`,
  );
}

/** Ids by ordinal, joined by "\n", each one's author prefix elided. */
export function packIds(ids: readonly string[], authors: Uint32Array, authorNames: readonly string[]): string {
  const prefixes = ownPrefixes(authorNames);
  return ids
    .map((id, o) => {
      const prefix = prefixes[authors[o] as number] as string;
      return id.startsWith(prefix) ? ELIDED + id.slice(prefix.length) : id;
    })
    .join("\n");
}

/**
 * The ids packIds saved, read one at a time as they are asked for: splitting 100,000 of them and
 * putting their authors' parts back was most of a start's restore (30-90 ms), and the first
 * answers need a page of them.
 */
export class PackedIds {
  private constructor(
    private readonly packed: string,
    /** Where each id starts in `packed`, and one past the end. */
    private readonly starts: Uint32Array,
    private readonly authors: Uint32Array,
    private readonly prefixes: readonly string[],
  ) {}

  /** The ids of `count` entries, or undefined when they do not fit the entries. */
  static open(
    packed: string,
    count: number,
    authors: Uint32Array,
    authorNames: readonly string[],
  ): PackedIds | undefined {
    if (authors.length !== count) return undefined;
    for (let o = 0; o < count; o++) if ((authors[o] as number) >= authorNames.length) return undefined;
    const starts = new Uint32Array(count + 1);
    let at = 0;
    for (let o = 1; o < count; o++) {
      at = packed.indexOf("\n", at) + 1;
      if (at === 0) return undefined;
      starts[o] = at;
    }
    if (count > 0 && packed.indexOf("\n", at) !== -1) return undefined;
    starts[count] = packed.length + 1;
    return new PackedIds(packed, starts, authors, ownPrefixes(authorNames));
  }

  read(ordinal: number): string {
    const id = this.packed.slice(this.starts[ordinal], (this.starts[ordinal + 1] as number) - 1);
    return id.startsWith(ELIDED)
      ? (this.prefixes[this.authors[ordinal] as number] as string) + id.slice(ELIDED.length)
      : id;
  }
}
