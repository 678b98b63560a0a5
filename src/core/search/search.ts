// Search in the hub: the in-memory SearchIndex decides which ids match, IndexedDB supplies the
// records of the one page asked for. Views never receive more than a page of listings.

import type { SearchResult } from "../api.ts";
import type { Listing } from "../listings/records.ts";
import type { Store } from "../store.ts";
import { SearchIndex } from "./search-index.ts";
import type { SearchQuery } from "./search-query.ts";

export class Search {
  private readonly index = new SearchIndex();
  private readonly loaded: Promise<void>;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {
    // Listings that arrive while the store is read are indexed by `update`; the stored copy
    // of the same id read afterwards is never newer, so loading first and updating later agree.
    this.loaded = store.listListings().then((all) => {
      for (const listing of all) if (!this.seen.has(listing.id)) this.index.add(listing);
      this.seen.clear();
    });
  }

  private readonly seen = new Set<string>();

  /** A version the store accepted (new, edited, or a tombstone). */
  update(listing: Listing): void {
    this.seen.add(listing.id);
    this.index.add(listing);
  }

  /**
   * Whether the index holds a listing with this id. Until the stored listings are read (the
   * first moments of a start) only those that arrived since count.
   */
  has(id: string): boolean {
    return this.index.has(id);
  }

  remove(id: string): void {
    this.seen.add(id);
    this.index.remove(id);
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    await this.loaded;
    const { ids, total } = this.index.query(query, this.now());
    return { listings: await this.store.getListings(ids), total };
  }
}
