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

/** The ids packIds saved, or undefined when they do not fit the entries. */
export function unpackIds(
  packed: string,
  count: number,
  authors: Uint32Array,
  authorNames: readonly string[],
): string[] | undefined {
  const ids = count === 0 ? [] : packed.split("\n");
  if (ids.length !== count || authors.length !== count) return undefined;
  const prefixes = ownPrefixes(authorNames);
  for (let o = 0; o < count; o++) {
    const id = ids[o] as string;
    if (!id.startsWith(ELIDED)) continue;
    const prefix = prefixes[authors[o] as number];
    if (prefix === undefined) return undefined;
    ids[o] = prefix + id.slice(ELIDED.length);
  }
  return ids;
}
