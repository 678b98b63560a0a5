// The search index as the hub keeps it in the store's meta (search.ts), in two values read one
// after the other: the entries (ids, columns, names, sort orders), enough for every query without
// words, then the word postings, which a query with words waits for.

import type { Columns } from "./search-columns.ts";
import type { PostingsSnapshot } from "./search-postings.ts";
import type { SearchSort } from "./search-query.ts";

export const SNAPSHOT_FORMAT = 2;

/** The index's entries as one structured-clonable value; every column holds `count` entries, all live. */
export interface EntriesSnapshot extends Columns {
  format: typeof SNAPSHOT_FORMAT;
  count: number;
  /** Every id, joined by "\n" (ids never hold one): one string reads back far faster than 100,000. */
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
