// The search index as one structured-clonable value, as the hub keeps it in the store's meta
// (search.ts) and SearchIndex.restore reads it back.

import type { Columns } from "./search-columns.ts";
import type { PostingsSnapshot } from "./search-postings.ts";
import type { SearchSort } from "./search-query.ts";

export const SNAPSHOT_FORMAT = 1;

/** The index as one structured-clonable value; every column holds `count` entries, all live. */
export interface SearchSnapshot extends PostingsSnapshot, Columns {
  format: typeof SNAPSHOT_FORMAT;
  /** The number of the last store change (Store.listListingChangesAfter) the snapshot reflects. */
  mark: number;
  count: number;
  /** Every id, joined by "\n" (ids never hold one): one string reads back far faster than 100,000. */
  ids: string;
  names: { category: string[]; kind: string[]; currency: string[]; author: string[] };
  /** Ordinals in each sort order, so the first query after a start sorts nothing. */
  orders: Partial<Record<SearchSort, Uint32Array>>;
}
