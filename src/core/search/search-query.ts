// What a view may ask the hub's search for (HubApi.search); the hub's SearchIndex answers it.

import type { Category, Currency } from "../listings/records.ts";

export type SearchSort = "newest" | "price-asc" | "price-desc";

export interface SearchQuery {
  /** Words to find in title or description; each is matched as a word prefix, all must match. */
  text?: string;
  category?: Category | "";
  kind?: "offer" | "wanted" | "";
  /** Only prices in this currency (free, swap and unpriced listings are not excluded by it). */
  currency?: Currency | "";
  /** Inclusive bounds in minor units; free counts as 0, swaps and unpriced listings never match a bound. */
  minPrice?: number | null;
  maxPrice?: number | null;
  /** Only listings with at least one photo. */
  hasPhoto?: boolean;
  sort?: SearchSort;
  limit?: number;
  offset?: number;
}
